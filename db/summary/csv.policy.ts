import { stringify } from 'csv-stringify/sync';
import type { AnonymisedCase } from './anonymise.policy.js';
import type { Count, SummaryReport } from './summary.types.js';

/** Spreadsheets run cells starting with = + - @ (or tab/CR) as formulas: prefix them with '. */
export function safeCell(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

const shown = (c: Count, below: number | null) => (c === null ? `<${below ?? ''}` : c);
const HIDDEN_NOTE = '"hidden" marks a count hidden so that a small number cannot be worked out from a total';

const CASE_HEADER = [
  'case',
  'month_flagged',
  'month_closed',
  'recorded_as',
  'offence',
  'strands',
  'source',
  'district',
  'location_type',
  'status',
  'outcome',
  'victim_satisfied',
  'risk_grade',
  'victims',
  'suspects',
  'vulnerable_victim',
  'repeat_victim',
  'reviews_on_time',
  'reviews_late',
  'reviews_overdue',
  'checklist_yes',
  'checklist_no',
  'checklist_na',
  'checklist_no_items',
];

function caseRow(c: AnonymisedCase): (string | number | boolean | null)[] {
  return [
    c.label,
    c.flaggedMonth,
    c.closedMonth,
    c.recordedAs,
    c.offence,
    c.strands.join('; '),
    c.source,
    c.district,
    c.locationType,
    c.status,
    c.outcome,
    c.victimSatisfied,
    c.riskGrade,
    c.victims,
    c.suspects,
    c.vulnerableVictim,
    c.repeatVictim,
    c.reviewsOnTime,
    c.reviewsLate,
    c.reviewsOverdue,
    c.checklist.yes,
    c.checklist.no,
    c.checklist.na,
    c.checklist.noItems.join('; '),
  ];
}

function aggregateRows(r: SummaryReport): (string | number | null)[][] {
  const b = r.suppressBelow;
  const rows: (string | number | null)[][] = [['table', 'category', 'this_period', 'previous_period']];
  rows.push(['occurrences', 'All (distinct)', shown(r.totals.current, b), shown(r.totals.previous, b)]);
  rows.push(['occurrences', 'With two or more strands', shown(r.totals.multiStrand, b), null]);
  for (const [table, list] of [
    ['type', r.byType],
    ['strand (an occurrence counts under each of its strands)', r.byStrand],
    ['source', r.bySource],
    ['district', r.byDistrict],
  ] as const) {
    for (const x of list) rows.push([table, x.label, shown(x.current, b), shown(x.previous, b)]);
  }
  for (const x of r.risk) rows.push(['risk grade', x.label, shown(x.count, b), null]);
  rows.push(
    ['repeats', 'Victims', shown(r.repeats.victims, b), null],
    ['repeats', 'Suspects', shown(r.repeats.suspects, b), null],
    ['repeats', 'Locations', shown(r.repeats.locations, b), null],
  );
  rows.push(['outcomes', 'Closed or filed', shown(r.outcomes.closed, b), null]);
  for (const o of r.outcomes.byOutcome) rows.push(['outcomes', o.outcome, shown(o.count, b), null]);
  rows.push(
    ['victim satisfaction', 'Satisfied', shown(r.outcomes.satisfied, b), null],
    ['victim satisfaction', 'Not satisfied', shown(r.outcomes.dissatisfied, b), null],
    ['victim satisfaction', 'Not recorded', shown(r.outcomes.notRecorded, b), null],
  );
  return rows;
}

/**
 * The scrutiny pack as one CSV file (UTF-8 with BOM so spreadsheets read it): a heading block,
 * the anonymised sample, then the aggregate tables (small cells as "<N", cells hidden so that a
 * small one cannot be worked out as "hidden").
 */
export function scrutinyCsv(report: SummaryReport, cases: readonly AnonymisedCase[], eligible: Count): string {
  const rows: (string | number | boolean | null)[][] = [
    ['Hate crime scrutiny pack (anonymised)'],
    ['Scope', report.scope.label],
    ['Period', report.period.label],
    ['Compared with', report.period.previous.label],
    ['Closed occurrences in the period', shown(eligible, report.suppressBelow)],
    ['Sample size', cases.length],
    [
      'Small numbers',
      report.suppressBelow
        ? `counts below ${report.suppressBelow} are shown as <${report.suppressBelow}; ${HIDDEN_NOTE}`
        : 'not suppressed',
    ],
    [],
    CASE_HEADER,
    ...cases.map(caseRow),
    [],
    ...aggregateRows(report),
  ];
  return (
    '\uFEFF' +
    stringify(
      rows.map((r) => r.map(safeCell)),
      { record_delimiter: '\r\n' },
    )
  );
}

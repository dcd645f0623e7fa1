/**
 * The manager's monthly report to the Operational Chief Inspector as a Word document (seed 001
 * 1.6 and 5.3: a standing monthly review of progress against the hate crime strategy and the
 * delivery plan, showing how the district progresses each strategic aim). It renders a summary
 * report exactly as the summary card may show it: the same scope, and for aggregates-only
 * audiences the same suppressed counts (`<5`, `hidden`), never a number the card would not show.
 * Pure: report in, .docx bytes out.
 */
import { isPositiveOutcome } from '../documents/outcomes.policy.js';
import { bullet, field, gap, heading, minutesSpace, packDocument, para, table, type FileChild } from '../documents/docx.js';
import { londonDay, ukDate, ukDateTime } from '../time/london-time.js';
import { STATUSES } from '../actions/actions.model.js';
import type { ComparedRow, Count, SummaryReport } from './summary.types.js';

/** A count as the card shows it: "<5" when small, "hidden" when hidden by the secondary rule. */
const fmt = (c: Count, below: number | null): string =>
  c === null ? `<${below ?? '?'}` : c === 'hidden' ? 'hidden' : c.toLocaleString('en-GB');

/** The change between two shown counts; blank when either is suppressed. */
function change(r: ComparedRow): string {
  if (typeof r.current !== 'number' || typeof r.previous !== 'number') return '';
  const diff = r.current - r.previous;
  if (r.previous === 0) return diff > 0 ? `+${diff}` : '0';
  const pct = Math.round((100 * diff) / r.previous);
  return `${pct > 0 ? '+' : ''}${pct}%`;
}

/** Why the suppressed counts among `counts` read "<5" or "hidden", said under the table that shows them. */
function reasons(v: SummaryReport, counts: readonly Count[]): FileChild[] {
  const r = v.notes.reasons;
  if (!r) return [];
  const why = [...(counts.includes(null) ? [r.small] : []), ...(counts.includes('hidden') ? [r.hidden] : [])];
  return why.length ? [para(why.join(' '), { italic: true, grey: true })] : [];
}

function comparedTable(first: string, rows: readonly ComparedRow[], v: SummaryReport): FileChild[] {
  if (rows.length === 0) return [para('None in the period.')];
  const b = v.suppressBelow;
  return [
    table(
      [first, 'This period', 'Previous period', 'Change'],
      rows.map((r) => [r.label, fmt(r.current, b), fmt(r.previous, b), change(r)]),
      [40, 20, 24, 16],
      [1, 2, 3],
    ),
    gap(),
    ...reasons(
      v,
      rows.flatMap((r) => [r.current, r.previous]),
    ),
  ];
}

/** Positive CJ outcomes: a sum only of counts that are shown, else not given (it could undo suppression). */
function positiveOutcomes(v: SummaryReport): string {
  const rows = v.outcomes.byOutcome.filter((o) => isPositiveOutcome(o.outcome));
  if (rows.some((o) => typeof o.count !== 'number')) return 'not shown, as it would let a count below the threshold be worked out';
  return rows.reduce((s, o) => s + (o.count as number), 0).toLocaleString('en-GB');
}

function headline(v: SummaryReport): FileChild[] {
  const b = v.suppressBelow;
  const third = v.bySource.filter((s) => s.key === 'third_party' || s.key === 'online');
  return [
    bullet(
      `Hate occurrences flagged: ${fmt(v.totals.current, b)} (previous period, ${v.period.previous.label}: ${fmt(v.totals.previous, b)}).`,
    ),
    ...v.byType.map((t) => bullet(`${t.label}: ${fmt(t.current, b)}.`)),
    ...third.map((s) => bullet(`${s.label}: ${fmt(s.current, b)}.`)),
    bullet(`Open high-risk occurrences now: ${fmt(v.openHighRisk, b)}.`),
    ...(v.overdueReviews === null ? [] : [bullet(`Reviews overdue now: ${v.overdueReviews.toLocaleString('en-GB')}.`)]),
    bullet(`Delivery-plan actions overdue: ${v.plan.overdue}.`),
    bullet(`Closed or filed: ${fmt(v.outcomes.closed, b)}; positive criminal justice outcomes: ${positiveOutcomes(v)}.`),
  ];
}

/** "Dec 2025" for the chart's "2025-12". */
const monthLabel = (m: string) => (/^\d{4}-\d{2}$/.test(m) ? londonDay(`${m}-01`).toFormat('LLL yyyy') : m);

function trend(v: SummaryReport): FileChild[] {
  if (v.chart.series.length === 0 || v.chart.months.length === 0) return [para('No occurrences in the last 12 months.')];
  const rows = v.chart.months.map((m, i) => [
    monthLabel(m),
    ...v.chart.series.map((s) => (s.values[i] === null ? '–' : String(s.values[i]))),
  ]);
  const note = v.chart.rounded
    ? [para('Values are rounded to the nearest 5; small ones are left out (–).', { italic: true, grey: true })]
    : [];
  return [
    table(
      ['Month', ...v.chart.series.map((s) => s.label)],
      rows,
      [16, ...v.chart.series.map(() => 84 / v.chart.series.length)],
      v.chart.series.map((_s, i) => i + 1),
    ),
    gap(),
    ...note,
  ];
}

function riskAndRepeats(v: SummaryReport): FileChild[] {
  const b = v.suppressBelow;
  const r = v.repeats;
  return [
    table(
      ['Latest risk grade of occurrences flagged in the period', 'Occurrences'],
      [...v.risk.map((x) => [x.label, fmt(x.count, b)]), ['Open high-risk now (whenever flagged)', fmt(v.openHighRisk, b)]],
      [75, 25],
      [1],
    ),
    gap(),
    para(
      `Repeats (counts only): ${fmt(r.victims, b)} victims, ${fmt(r.suspects, b)} suspects and ${fmt(r.locations, b)} locations in ${r.minOccurrences} or more occurrences within ${r.windowMonths} months.`,
    ),
    ...reasons(v, [...v.risk.map((x) => x.count), v.openHighRisk, r.victims, r.suspects, r.locations]),
  ];
}

function compliance(v: SummaryReport): FileChild[] {
  if (v.compliance === null) return [para(v.notes.policeOnly ?? 'Not shown.')];
  const since = v.notes.complianceSince ? [para(v.notes.complianceSince, { italic: true, grey: true })] : [];
  const rows = v.compliance.map((c) => [
    c.title,
    String(c.onTime),
    String(c.late),
    String(c.overdueOpen),
    String(c.notApplicable),
    c.percentOnTime === null ? '—' : `${c.percentOnTime}%`,
  ]);
  return [
    ...since,
    ...(rows.length
      ? [
          table(
            ['Review (due in the period)', 'On time', 'Late', 'Overdue open', 'N/A', 'On time %'],
            rows,
            [40, 12, 10, 14, 10, 14],
            [1, 2, 3, 4, 5],
          ),
          gap(),
        ]
      : [para('No reviews were due in the period.')]),
    heading('Overdue reviews now, by owner', 2),
    ...((v.overdueByOwner ?? []).length
      ? [
          table(
            ['Owner', 'Overdue'],
            (v.overdueByOwner ?? []).map((o) => [o.owner, String(o.count)]),
            [80, 20],
            [1],
          ),
          gap(),
        ]
      : [para('Nothing overdue.')]),
  ];
}

function plan(v: SummaryReport): FileChild[] {
  // The plan's own status order (not started … discharged); an unknown status goes last.
  const order = (k: string) => ((STATUSES as readonly string[]).includes(k) ? (STATUSES as readonly string[]).indexOf(k) : STATUSES.length);
  const statuses = [...new Map(v.plan.pillars.flatMap((p) => p.byStatus.map((s) => [s.status, s.label] as const))).entries()].sort(
    (a, b) => order(a[0]) - order(b[0]),
  );
  const rows = v.plan.pillars.map((p) => [
    p.label,
    ...statuses.map(([k]) => String(p.byStatus.find((s) => s.status === k)?.count ?? 0)),
    String(p.total),
  ]);
  const list = v.plan.overdueList ?? [];
  return [
    ...(rows.length
      ? [
          table(
            ['Strategic aim', ...statuses.map(([, l]) => l.charAt(0).toUpperCase() + l.slice(1)), 'Total'],
            rows,
            [34, ...statuses.map(() => 56 / statuses.length), 10],
            statuses.map((_s, i) => i + 1).concat(statuses.length + 1),
          ),
          gap(),
        ]
      : [para('Nothing to report: no delivery-plan actions in this scope.')]),
    para(`Overdue actions: ${v.plan.overdue}.`),
    ...list.map((a) => bullet(`${a.ref} (${a.owner}), due ${ukDate(a.dueDate)}`)),
  ];
}

function outcomes(v: SummaryReport): FileChild[] {
  const b = v.suppressBelow;
  const o = v.outcomes;
  if (o.closed === 0) return [para('Nothing to report: no occurrence was closed or filed in the period.')];
  return [
    para(
      `Closed or filed in the period: ${fmt(o.closed, b)}; positive criminal justice outcomes (Home Office types 1-4 and 6-8): ${positiveOutcomes(v)}.`,
      {
        keepNext: true,
      },
    ),
    table(
      ['Outcome', 'Occurrences', 'Positive CJ outcome'],
      o.byOutcome.map((x) => [x.outcome, fmt(x.count, b), isPositiveOutcome(x.outcome) ? 'Yes' : 'No']),
      [60, 20, 20],
      [1],
    ),
    gap(),
    para(
      `Victim satisfaction at closure: ${fmt(o.satisfied, b)} satisfied, ${fmt(o.dissatisfied, b)} not satisfied, ${fmt(o.notRecorded, b)} not recorded.`,
    ),
    ...reasons(v, [o.closed, ...o.byOutcome.map((x) => x.count), o.satisfied, o.dissatisfied, o.notRecorded]),
  ];
}

/** Who the figures cover, in words (and the suppression rule for aggregates-only audiences). */
function audience(v: SummaryReport): string[] {
  if (v.scope.aggregatesOnly) return [v.notes.aggregates, v.notes.policeOnly].filter((n): n is string => n !== null);
  if (v.scope.kind === 'own')
    return ['Only occurrences where the requester is the officer in charge or the supervisor, and their own reviews and actions.'];
  return [];
}

/**
 * Renders the monthly report (A4): headline figures, occurrences against the previous period,
 * the 12-month trend by strand, risk and repeats, review compliance, progress by strategic aim,
 * outcomes, and space for the Chief Inspector's review.
 * @param meta.requester the name of whoever asked for it (the SPOC or manager)
 * @returns the file's bytes
 */
export function renderReportDocument(v: SummaryReport, meta: { requester: string }): Promise<Uint8Array> {
  return packDocument({
    title: 'Hate crime monthly report to the Operational Chief Inspector',
    subtitle: [`${v.scope.label} · ${v.period.label}, compared with the previous period (${v.period.previous.label}).`, ...audience(v)],
    footer: `Hate crime monthly report · ${v.scope.label} · generated ${ukDateTime(v.generatedAt)}`,
    body: [
      field('Prepared by', meta.requester),
      field(
        'For',
        'the district Operational Chief Inspector: the standing monthly review of progress against the hate crime strategy and delivery plan',
      ),
      heading('1. Headline figures'),
      ...headline(v),
      heading('2. Hate occurrences'),
      heading('By type', 2),
      ...comparedTable('Type', v.byType, v),
      heading('By strand', 2),
      ...comparedTable('Strand', v.byStrand, v),
      para(v.notes.multiStrand, { italic: true, grey: true }),
      heading('By source (third party and online reporting)', 2),
      ...comparedTable('How the report came in', v.bySource, v),
      heading('By district', 2),
      ...comparedTable('District', v.byDistrict, v),
      heading('Trend by strand, last 12 months', 2),
      ...trend(v),
      heading('3. Risk and repeats'),
      ...riskAndRepeats(v),
      heading('4. Review compliance'),
      ...compliance(v),
      heading('5. Progress against the strategic aims (delivery plan)'),
      para(
        'Prevention, responding, increasing reporting, improving victim support, building our understanding, and the quality of investigations.',
        {
          italic: true,
          grey: true,
        },
      ),
      ...plan(v),
      heading('6. Outcomes and victim satisfaction'),
      ...outcomes(v),
      heading("7. Chief Inspector's review"),
      ...minutesSpace(5),
    ],
  });
}

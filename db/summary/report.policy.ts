import { REVIEW_KINDS, REVIEW_TITLES, type ReviewKind } from '../schedule/schedule.policy.js';
import type { SummaryScope } from './access.policy.js';
import type { OccurrenceCounts, Pair } from './occurrence.queries.js';
import type { Period } from './period.policy.js';
import { suppressChartPoint, suppressCompared, suppressOne, suppressTable } from './suppression.policy.js';
import type { ComparedRow, ComplianceRow, PillarRow, SummaryReport } from './summary.types.js';
import { PILLARS, STATUSES } from '../actions/actions.model.js';
import type { ComplianceStart } from './work.queries.js';
import { aggregatesNotice, complianceSinceNote, HIDDEN_REASON, multiStrandNote, POLICE_ONLY_NOTE, smallReason } from './wording.policy.js';

/** Settings a summary follows (from the bot's config). */
export interface SummarySettings {
  /** Configured strand order: the only order strands are ever listed in (no hierarchy of hate). */
  strands: readonly string[];
  repeat: { windowMonths: number; minOccurrences: number };
  /** Counts below this are hidden for aggregates-only audiences. */
  suppressBelow: number;
  scrutinySampleSize: number;
  /** No scrutiny pack for fewer closed occurrences than this in its scope and months. */
  scrutinyMinClosed: number;
  /** COMPLIANCE_FROM (YYYY-MM-DD); null: compliance counts from the first occurrence the bot received. */
  complianceFrom: string | null;
}

/** The summary settings of the bot's config (strands, REPEAT_*, SMALL_NUMBER_THRESHOLD, SCRUTINY_SAMPLE_SIZE, SCRUTINY_MIN_CLOSED, COMPLIANCE_FROM). */
export function summarySettingsOf(c: {
  strands: readonly string[];
  repeat: SummarySettings['repeat'];
  summary: { suppressBelow: number; scrutinySampleSize: number; complianceFrom: string | null };
  scrutinyMinClosed: number;
}): SummarySettings {
  return {
    strands: c.strands,
    repeat: c.repeat,
    suppressBelow: c.summary.suppressBelow,
    scrutinySampleSize: c.summary.scrutinySampleSize,
    scrutinyMinClosed: c.scrutinyMinClosed,
    complianceFrom: c.summary.complianceFrom,
  };
}

/** Raw figures from SQL, before labels and suppression. */
export interface RawFigures {
  counts: OccurrenceCounts;
  strands: Map<string, Pair>;
  /** Cells keyed `<month index>|<strand>`. */
  chart: { months: string[]; cells: Map<string, number> };
  risk: Map<string, number>;
  openHighRisk: number;
  repeats: { victim: number; suspect: number; location: number };
  compliance: { kind: string; onTime: number; late: number; overdueOpen: number; notApplicable: number }[];
  /** From when compliance and overdue reviews count (work.queries.ts complianceStart). */
  complianceFrom: ComplianceStart | null;
  overdue: { total: number; owners: { owner: string; count: number }[] };
  actions: { cells: { pillar: string; status: string; n: number }[]; overdue: number };
  overdueActions: { ref: string; pillar: string; owner: string; dueDate: string }[];
  outcomes: { byOutcome: Map<string, number>; closed: number; satisfied: number; dissatisfied: number };
}

export const humanise = (key: string): string => {
  const w = key.replace(/_/g, ' ').trim();
  return w.charAt(0).toUpperCase() + w.slice(1);
};

const TYPE_LABELS: Record<string, string> = { crime: 'Crimes', nchi: 'Non-crime hate incidents' };
/** Occurrence sources as summaries and scrutiny packs name them. */
export const SOURCE_LABELS: Record<string, string> = {
  rms: 'Records system (RMS)',
  third_party: 'Third party reporting centre',
  online: 'Online report',
  manual: 'Manual flag',
};
const RISK_LABELS: Record<string, string> = { standard: 'Standard', medium: 'Medium', high: 'High', ungraded: 'Not yet graded' };
const PILLAR_LABELS: Record<string, string> = { responding: 'Responding in communities', investigation_quality: 'Investigation quality' };
const STATUS_LABELS: Record<string, string> = {
  not_started: 'not started',
  in_progress: 'in progress',
  bau: 'BAU',
  completed: 'completed',
  discharged: 'discharged',
};

/** Keys in a fixed order first, then any others alphabetically (never by size). */
function ordered(fixed: readonly string[], seen: Iterable<string>): string[] {
  const extra = [...new Set(seen)].filter((k) => !fixed.includes(k)).sort();
  return [...fixed, ...extra];
}

function compared(
  keys: readonly string[],
  data: Map<string, Pair>,
  label: (k: string) => string,
  total: Pair | null,
  threshold: number | null,
): ComparedRow[] {
  const rows = keys.map((k) => ({ key: k, label: label(k), current: data.get(k)?.current ?? 0, previous: data.get(k)?.previous ?? 0 }));
  return threshold === null ? rows : suppressCompared(rows, total, threshold);
}

function complianceRows(raw: RawFigures['compliance']): ComplianceRow[] {
  const byKind = new Map(raw.map((r) => [r.kind, r]));
  return ordered(REVIEW_KINDS, byKind.keys())
    .filter((k) => byKind.has(k))
    .map((k) => {
      const r = byKind.get(k)!;
      const due = r.onTime + r.late + r.overdueOpen;
      return { ...r, title: REVIEW_TITLES[k as ReviewKind] ?? humanise(k), percentOnTime: due ? Math.round((100 * r.onTime) / due) : null };
    });
}

function pillarRows(cells: RawFigures['actions']['cells']): PillarRow[] {
  const pillars = ordered(
    PILLARS,
    cells.map((c) => c.pillar),
  ).filter((p) => cells.some((c) => c.pillar === p));
  return pillars.map((p) => {
    const mine = cells.filter((c) => c.pillar === p);
    const statuses = ordered(
      STATUSES,
      mine.map((c) => c.status),
    ).filter((s) => mine.some((c) => c.status === s));
    const byStatus = statuses.map((s) => ({
      status: s,
      label: STATUS_LABELS[s] ?? humanise(s),
      count: mine.find((c) => c.status === s)!.n,
    }));
    return { pillar: p, label: PILLAR_LABELS[p] ?? humanise(p), byStatus, total: byStatus.reduce((a, b) => a + b.count, 0) };
  });
}

function chart(raw: RawFigures['chart'], strands: readonly string[], threshold: number | null): SummaryReport['chart'] {
  const seen = [...raw.cells.keys()].map((k) => k.slice(k.indexOf('|') + 1));
  const keys = ordered(strands, seen).filter((s) => strands.includes(s) || seen.includes(s));
  const series = keys.map((s) => ({
    strand: s,
    label: humanise(s),
    values: raw.months.map((_m, i) => {
      const n = raw.cells.get(`${i}|${s}`) ?? 0;
      return threshold === null ? n : suppressChartPoint(n, threshold);
    }),
  }));
  return { months: raw.months, series, rounded: threshold !== null };
}

function outcomeFigures(o: RawFigures['outcomes'], t: number | null): SummaryReport['outcomes'] {
  const keys = [...o.byOutcome.keys()].sort((a, b) => o.byOutcome.get(b)! - o.byOutcome.get(a)! || a.localeCompare(b));
  const values = keys.map((k) => o.byOutcome.get(k)!);
  const notRecorded = o.closed - o.satisfied - o.dissatisfied;
  const cells = t === null ? { cells: values, total: o.closed } : suppressTable(values, o.closed, t);
  const sat =
    t === null
      ? { cells: [o.satisfied, o.dissatisfied, notRecorded] }
      : suppressTable([o.satisfied, o.dissatisfied, notRecorded], o.closed, t);
  return {
    closed: cells.total,
    byOutcome: keys.map((k, i) => ({ outcome: k || 'Outcome not recorded', count: cells.cells[i] ?? null })),
    satisfied: sat.cells[0] ?? null,
    dissatisfied: sat.cells[1] ?? null,
    notRecorded: sat.cells[2] ?? null,
  };
}

/**
 * Turns the SQL figures into the report: labels, fixed orders (strands in the configured order,
 * never by size), compliance percentages, and for aggregates-only scopes the suppression rules
 * of suppression.policy.ts with the police-only sections (compliance, owners, action list) left out.
 */
export function buildReport(raw: RawFigures, scope: SummaryScope, period: Period, settings: SummarySettings, now: Date): SummaryReport {
  const t = scope.aggregatesOnly ? settings.suppressBelow : null;
  const c = raw.counts;
  const one = (n: number) => (t === null ? n : suppressOne(n, t));
  const totals = { current: one(c.total.current), previous: one(c.total.previous), multiStrand: one(c.multiStrand) };
  const districtKeys = [...c.byDistrict.keys()].sort();
  const byDistrictPairs = new Map(districtKeys.map((k) => [k, c.byDistrict.get(k)!]));
  const riskKeys = ordered(['standard', 'medium', 'high', 'ungraded'], raw.risk.keys());
  const riskValues = riskKeys.map((k) => raw.risk.get(k) ?? 0);
  const riskCells = t === null ? riskValues : suppressTable(riskValues, c.total.current, t).cells;
  return {
    generatedAt: now,
    scope: { kind: scope.kind, label: scope.label, aggregatesOnly: scope.aggregatesOnly },
    period: {
      kind: period.kind,
      label: period.label,
      start: period.start,
      end: period.end,
      toDate: period.toDate,
      previous: period.previous,
    },
    suppressBelow: t,
    totals,
    byType: compared(ordered(['crime', 'nchi'], c.byType.keys()), c.byType, (k) => TYPE_LABELS[k] ?? humanise(k), c.total, t),
    byStrand: compared(ordered(settings.strands, raw.strands.keys()), raw.strands, humanise, null, t),
    bySource: compared(
      ordered(['rms', 'third_party', 'online', 'manual'], c.bySource.keys()),
      c.bySource,
      (k) => SOURCE_LABELS[k] ?? humanise(k),
      c.total,
      t,
    ),
    byDistrict: compared(districtKeys, byDistrictPairs, (k) => byDistrictPairs.get(k)!.name, c.total, t),
    risk: riskKeys.map((k, i) => ({ key: k, label: RISK_LABELS[k] ?? humanise(k), count: riskCells[i] ?? null })),
    openHighRisk: one(raw.openHighRisk),
    repeats: {
      victims: one(raw.repeats.victim),
      suspects: one(raw.repeats.suspect),
      locations: one(raw.repeats.location),
      ...settings.repeat,
    },
    compliance: t === null ? complianceRows(raw.compliance) : null,
    complianceFrom: t === null ? raw.complianceFrom : null,
    overdueByOwner: t === null ? raw.overdue.owners : null,
    overdueReviews: t === null ? raw.overdue.total : null,
    plan: { pillars: pillarRows(raw.actions.cells), overdue: raw.actions.overdue, overdueList: t === null ? raw.overdueActions : null },
    outcomes: outcomeFigures(raw.outcomes, t),
    chart: chart(raw.chart, settings.strands, t),
    notes: {
      multiStrand: multiStrandNote(totals.current, totals.multiStrand, t),
      complianceSince: t === null ? complianceSinceNote(raw.complianceFrom) : null,
      aggregates: t === null ? null : aggregatesNotice(t),
      policeOnly: t === null ? null : POLICE_ONLY_NOTE,
      reasons: t === null ? null : { small: smallReason(t), hidden: HIDDEN_REASON },
    },
  };
}

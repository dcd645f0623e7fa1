import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../schema.js';
import type { SummaryScope } from './access.policy.js';
import { rollupCounts, type Part, type Rollup } from './rollup.queries.js';
import { num, occurrenceScope } from './scope.sql.js';

/** The spans one summary reads: current [start, end) and previous [prevStart, prevEnd). */
export interface Window {
  start: Date;
  end: Date;
  prevStart: Date;
  prevEnd: Date;
}

/** A count in the current and the previous period. */
export interface Pair {
  current: number;
  previous: number;
}

/**
 * Occurrence figures of both periods: counts by type, source, district and strand, the distinct
 * total and multi-strand count, and the current period's risk mix.
 */
export interface OccurrenceCounts {
  total: Pair;
  multiStrand: number;
  byType: Map<string, Pair>;
  bySource: Map<string, Pair>;
  /** Keyed by lower-case district, with one spelling to show. */
  byDistrict: Map<string, Pair & { name: string }>;
  /** An occurrence with two strands counts in both. */
  byStrand: Map<string, Pair>;
  /** Current risk grade (`ungraded` when never reviewed) of the current period's occurrences. */
  risk: Map<string, number>;
}

function addTo<K>(map: Map<K, Pair>, key: K, current: boolean, n: number): void {
  const pair = map.get(key) ?? { current: 0, previous: 0 };
  if (current) pair.current += n;
  else pair.previous += n;
  map.set(key, pair);
}

/** The flag-day figures of `summary_daily` (migration 2026-11-29T20), and how rows of occurrences yield them. */
const flagFigures = (scope: SummaryScope): Rollup => ({
  days: sql`(select * from summary_daily where dim in ('total', 'multi', 'type', 'source', 'district', 'strand', 'grade'))`,
  from: sql`occurrences o`,
  where: occurrenceScope(scope),
  time: sql<Date>`o.flagged_at`,
  group: [
    [sql`o.recorded_as`, 'recorded_as'],
    [sql`o.source`, 'source'],
    [sql`o.district`, 'district'],
    [sql`o.strands`, 'strands'],
    [sql`o.current_risk_grade`, 'grade'],
  ],
  entries: sql`summary_flag_entries(null, c.recorded_as, c.source, c.district, c.strands, c.grade) e`,
});

/**
 * Every occurrence figure of both periods in one statement: at force level a sum over the
 * periods' months and days in `summary_daily` (a few dozen rows each, however many occurrences) plus the
 * rows of the partial days at the edges (today, so far, and the same hours a year before);
 * for districts and own scopes their rows (index `occurrences_district_ci_idx` etc.), each
 * counted under the same figures by `summary_flag_entries`. The grade is the occurrence's own
 * `current_risk_grade` (kept by the reviews trigger of migration 2026-11-29T03). Districts are
 * keyed by SQL lower(), shown in their least spelling (SQL min).
 */
export async function occurrenceCounts(db: Db, scope: SummaryScope, w: Window): Promise<OccurrenceCounts> {
  const parts: Part[] = [
    { part: 0, start: w.start, end: w.end },
    { part: 1, start: w.prevStart, end: w.prevEnd },
  ];
  const rows = await sql<{ dim: string; key: string; name: string; part: number; n: unknown }>`
    select dim, key, part, n, min(name) over (partition by dim, key) as name from (
      select c.dim, case when c.dim = 'district' then lower(c.value) else c.value end as key, min(c.value) as name, c.part, sum(c.n) as n
      from (${rollupCounts(scope, parts, flagFigures(scope))}) c
      group by 1, 2, 4) x`.execute(db);
  const out: OccurrenceCounts = {
    total: { current: 0, previous: 0 },
    multiStrand: 0,
    byType: new Map(),
    bySource: new Map(),
    byDistrict: new Map(),
    byStrand: new Map(),
    risk: new Map(),
  };
  const pairs: Record<string, Map<string, Pair> | undefined> = { type: out.byType, source: out.bySource, strand: out.byStrand };
  for (const r of rows.rows) {
    const n = num(r.n);
    const cur = num(r.part) === 0;
    if (r.dim === 'total') out.total[cur ? 'current' : 'previous'] += n;
    else if (r.dim === 'multi') out.multiStrand += cur ? n : 0;
    else if (r.dim === 'grade') {
      if (cur) out.risk.set(r.key || 'ungraded', (out.risk.get(r.key || 'ungraded') ?? 0) + n);
    } else if (r.dim === 'district') {
      if (!out.byDistrict.has(r.key)) out.byDistrict.set(r.key, { current: 0, previous: 0, name: r.name });
      addTo(out.byDistrict, r.key, cur, n);
    } else addTo(pairs[r.dim]!, r.key, cur, n);
  }
  return out;
}

/** The strand figures of `summary_daily` alone, and how rows of occurrences yield them: the chart's counts. */
const strandFigures = (scope: SummaryScope): Rollup => ({
  days: sql`(select * from summary_daily where dim = 'strand')`,
  from: sql`occurrences o`,
  where: occurrenceScope(scope),
  time: sql<Date>`o.flagged_at`,
  group: [[sql`o.strands`, 'strands']],
  entries: sql`(select 'strand' as dim, s as value from unnest(c.strands) s) e`,
});

/**
 * The chart's figures: occurrences per strand in each month (Europe/London [start, end) instants; an
 * occurrence with two strands counts in both). At force level each whole month is its one rollup row
 * per strand in `summary_daily` and the month to date its days plus today's rows; other scopes count
 * their rows (rollupCounts).
 * @returns counts keyed `<month index>|strand` (0 = first month)
 */
export async function strandMonths(
  db: Db,
  scope: SummaryScope,
  months: readonly { start: Date; end: Date }[],
): Promise<Map<string, number>> {
  const parts = months.map((m, i): Part => ({ part: i, start: m.start, end: m.end }));
  const rows = await rollupCounts(scope, parts, strandFigures(scope)).execute(db);
  return new Map(rows.rows.map((r) => [`${num(r.part)}|${r.value}`, num(r.n)]));
}

/**
 * Open occurrences whose current grade is high, now, whatever their flag date: the occurrence's
 * own `current_risk_grade` (partial index `occurrences_open_high_idx`: only open high-risk rows).
 */
export async function openHighRisk(db: Db, scope: SummaryScope): Promise<number> {
  const rows = await sql<{ n: unknown }>`
    select count(*) as n from occurrences o
    where o.current_risk_grade = 'high' and o.status = 'open' and ${occurrenceScope(scope)}`.execute(db);
  return num(rows.rows[0]?.n);
}

/**
 * Repeat victims, suspects and locations of the period: distinct people (by role) and locations
 * of the period's occurrences (in scope) involved in at least `min` occurrences flagged in
 * [windowStart, end), matched force-wide on RMS refs (docs/domain.md "Repeat victimisation").
 * Read from `repeat_links` (migration 2026-11-29T12: each involvement with the flag times of the
 * same ref's previous and next occurrence), so the cost follows the period's involvements:
 * - force level: the ref's last row in the period (no next one before `end`) stands for it, and
 *   it has a second occurrence in the window when its previous one is at or after `windowStart`;
 *   one index-only range scan (`repeat_links_flagged_idx`), no grouping by ref;
 * - districts or own: the links of the period's occurrences in scope (`repeat_links_occurrence_idx`),
 *   a row showing a second occurrence in the window when its previous or next one is in it.
 * With `min` above 2 (or a period longer than the window) each ref found is then counted in the
 * window from the primary key, stopping at `min`.
 * @returns distinct refs per kind
 */
export async function repeatCounts(
  db: Db,
  scope: SummaryScope,
  w: Window,
  windowStart: Date,
  min: number,
): Promise<{ victim: number; suspect: number; location: number }> {
  const rows = await (scope.kind === 'force' ? repeatsForce(w, windowStart, min) : repeatsInScope(scope, w, windowStart, min)).execute(db);
  const by = new Map(rows.rows.map((r) => [r.kind, num(r.n)]));
  return { victim: by.get('victim') ?? 0, suspect: by.get('suspect') ?? 0, location: by.get('location') ?? 0 };
}

/** The ref of the row aliased `alias` has at least `min` occurrences of its kind in [windowStart, end). */
function enoughInWindow(alias: string, windowStart: Date, end: Date, min: number): RawBuilder<boolean> {
  return sql<boolean>`(select count(*) from (
      select from repeat_links r where r.kind = ${sql.ref(`${alias}.kind`)} and r.ref = ${sql.ref(`${alias}.ref`)}
        and r.flagged_at >= ${windowStart} and r.flagged_at < ${end} limit ${min}) x) >= ${min}`;
}

function repeatsForce(w: Window, windowStart: Date, min: number): RawBuilder<{ kind: string; n: unknown }> {
  // A period longer than the window: a ref with `min` in the window has them all in the period too.
  const from = windowStart > w.start ? windowStart : w.start;
  return sql<{ kind: string; n: unknown }>`
    select l.kind, count(*) as n from repeat_links l
    where l.flagged_at >= ${from} and l.flagged_at < ${w.end}
      and (l.next_at is null or l.next_at >= ${w.end})
      and l.prev_at >= ${windowStart}
      and ${min > 2 ? enoughInWindow('l', windowStart, w.end, min) : sql<boolean>`true`}
    group by l.kind`;
}

function repeatsInScope(scope: SummaryScope, w: Window, windowStart: Date, min: number): RawBuilder<{ kind: string; n: unknown }> {
  // An involvement before the window says nothing about the window from its neighbours alone.
  const local = windowStart <= w.start;
  return sql<{ kind: string; n: unknown }>`
    with involved as (
      select distinct l.kind, l.ref from occurrences o join repeat_links l on l.occurrence_id = o.id
      where o.flagged_at >= ${w.start} and o.flagged_at < ${w.end} and ${occurrenceScope(scope)}
        and ${local ? sql<boolean>`(l.prev_at >= ${windowStart} or l.next_at < ${w.end})` : sql<boolean>`true`})
    select i.kind, count(*) as n from involved i
    where ${min > 2 || !local ? enoughInWindow('i', windowStart, w.end, min) : sql<boolean>`true`}
    group by i.kind`;
}

/**
 * Outcomes and satisfaction of occurrences closed or filed in the period (closure time, else flag
 * time): at force level the period's months and days in `summary_daily` plus the edge rows
 * (`occurrences_closed_cover_idx`), otherwise the scope's rows, each counted by `summary_closure_entries`.
 */
export async function outcomes(
  db: Db,
  scope: SummaryScope,
  w: Window,
): Promise<{ byOutcome: Map<string, number>; closed: number; satisfied: number; dissatisfied: number }> {
  const figures: Rollup = {
    days: sql`(select * from summary_daily where dim in ('outcome', 'satisfied', 'dissatisfied'))`,
    from: sql`occurrences o`,
    where: sql<boolean>`o.status <> 'open' and ${occurrenceScope(scope)}`,
    time: sql<Date>`coalesce(o.closed_at, o.flagged_at)`,
    group: [
      [sql`o.status`, 'status'],
      [sql`o.outcome`, 'outcome'],
      [sql`o.victim_satisfied`, 'satisfied'],
    ],
    entries: sql`summary_closure_entries(c.status, null, null, c.outcome, c.satisfied) e`,
  };
  const rows = await rollupCounts(scope, [{ part: 0, start: w.start, end: w.end }], figures).execute(db);
  const out = { byOutcome: new Map<string, number>(), closed: 0, satisfied: 0, dissatisfied: 0 };
  for (const r of rows.rows) {
    const n = num(r.n);
    if (r.dim === 'outcome') {
      out.byOutcome.set(r.value, n);
      out.closed += n;
    } else if (r.dim === 'satisfied') out.satisfied += n;
    else out.dissatisfied += n;
  }
  return out;
}

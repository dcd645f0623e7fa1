import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../schema.js';
import type { SummaryScope } from './access.policy.js';
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

const inWindow = (w: Window) =>
  sql<boolean>`o.flagged_at >= ${w.prevStart} and o.flagged_at < ${w.end} and (o.flagged_at >= ${w.start} or o.flagged_at < ${w.prevEnd})`;

function addTo<K>(map: Map<K, Pair>, key: K, current: boolean, n: number): void {
  const pair = map.get(key) ?? { current: 0, previous: 0 };
  if (current) pair.current += n;
  else pair.previous += n;
  map.set(key, pair);
}

/**
 * Every occurrence figure of both periods in one pass (index `occurrences_period_cover_idx`, or
 * the district/UPN ones): one hash aggregate over the combinations of type, source, district,
 * strands, current grade and period (a few thousand at force level over a year, however many
 * occurrences), summed up here. The grade is the occurrence's own `current_risk_grade` (kept by
 * the reviews trigger of migration 2026-11-29T03), not a look-up of each one's latest review.
 * Districts are keyed by SQL lower(), shown in their least spelling (SQL min).
 */
export async function occurrenceCounts(db: Db, scope: SummaryScope, w: Window): Promise<OccurrenceCounts> {
  const rows = await sql<{
    recorded_as: string;
    source: string;
    district_key: string;
    district: string;
    strands: string[];
    grade: string | null;
    cur: boolean;
    n: unknown;
  }>`
    select t.recorded_as, t.source, lower(t.district) as district_key, min(t.district) over (partition by lower(t.district)) as district,
      t.strands, t.grade, t.cur, t.n
    from (
      select o.recorded_as, o.source, o.district, o.strands, o.current_risk_grade as grade, o.flagged_at >= ${w.start} as cur, count(*) as n
      from occurrences o
      where ${inWindow(w)} and ${occurrenceScope(scope)}
      group by 1, 2, 3, 4, 5, 6) t`.execute(db);
  const out: OccurrenceCounts = {
    total: { current: 0, previous: 0 },
    multiStrand: 0,
    byType: new Map(),
    bySource: new Map(),
    byDistrict: new Map(),
    byStrand: new Map(),
    risk: new Map(),
  };
  for (const r of rows.rows) {
    const n = num(r.n);
    addTo(out.byType, r.recorded_as, r.cur, n);
    addTo(out.bySource, r.source, r.cur, n);
    if (!out.byDistrict.has(r.district_key)) out.byDistrict.set(r.district_key, { current: 0, previous: 0, name: r.district });
    addTo(out.byDistrict, r.district_key, r.cur, n);
    for (const strand of r.strands) addTo(out.byStrand, strand, r.cur, n);
    if (!r.cur) {
      out.total.previous += n;
      continue;
    }
    out.total.current += n;
    if (r.strands.length > 1) out.multiStrand += n;
    out.risk.set(r.grade ?? 'ungraded', (out.risk.get(r.grade ?? 'ungraded') ?? 0) + n);
  }
  return out;
}

/**
 * The chart query, the largest of a summary (12 months): occurrences per month and strand.
 * Months are given as Europe/London [start, end) instants, so each month is an index range
 * scan and no per-row time-zone conversion is needed. Exported so the benchmark can time it.
 * @returns rows of month index (0 = first), strand and count
 */
export function strandMonthsQuery(
  scope: SummaryScope,
  months: readonly { start: Date; end: Date }[],
): RawBuilder<{ i: number; strand: string; n: unknown }> {
  const ranges = sql.join(months.map((m, i) => sql`(${i}::int, ${m.start}::timestamptz, ${m.end}::timestamptz)`));
  return sql<{ i: number; strand: string; n: unknown }>`
    select m.i, s.strand, count(*) as n
    from (values ${ranges}) as m(i, from_at, to_at)
    join occurrences o on o.flagged_at >= m.from_at and o.flagged_at < m.to_at
    cross join lateral unnest(o.strands) as s(strand)
    where ${occurrenceScope(scope)}
    group by 1, 2`;
}

/** Chart figures keyed `<month index>|strand`. */
export async function strandMonths(
  db: Db,
  scope: SummaryScope,
  months: readonly { start: Date; end: Date }[],
): Promise<Map<string, number>> {
  const rows = await strandMonthsQuery(scope, months).execute(db);
  return new Map(rows.rows.map((r) => [`${num(r.i)}|${r.strand}`, num(r.n)]));
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

/** Outcomes and satisfaction of occurrences closed or filed in the period (closure time, else flag time). */
export async function outcomes(
  db: Db,
  scope: SummaryScope,
  w: Window,
): Promise<{ byOutcome: Map<string, number>; closed: number; satisfied: number; dissatisfied: number }> {
  const rows = await sql<{ g: number; outcome: string | null; n: unknown; satisfied: unknown; dissatisfied: unknown }>`
    select grouping(coalesce(o.outcome, '')) as g, coalesce(o.outcome, '') as outcome, count(*) as n,
      count(*) filter (where o.victim_satisfied) as satisfied,
      count(*) filter (where o.victim_satisfied = false) as dissatisfied
    from occurrences o
    where o.status <> 'open' and coalesce(o.closed_at, o.flagged_at) >= ${w.start} and coalesce(o.closed_at, o.flagged_at) < ${w.end}
      and ${occurrenceScope(scope)}
    group by grouping sets ((coalesce(o.outcome, '')), ())`.execute(db);
  const out = { byOutcome: new Map<string, number>(), closed: 0, satisfied: 0, dissatisfied: 0 };
  for (const r of rows.rows) {
    if (num(r.g) === 0) out.byOutcome.set(r.outcome ?? '', num(r.n));
    else Object.assign(out, { closed: num(r.n), satisfied: num(r.satisfied), dissatisfied: num(r.dissatisfied) });
  }
  return out;
}

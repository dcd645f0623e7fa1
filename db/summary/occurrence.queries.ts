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

const ONE_PASS_AFTER_MS = 45 * 86_400_000;

/**
 * Repeat victims, suspects and locations of the period: distinct people (by role) and locations
 * of the period's occurrences (in scope) involved in at least `min` occurrences flagged in
 * [windowStart, end), matched force-wide on RMS refs (docs/domain.md "Repeat victimisation").
 * Force level over more than 45 days: one pass over the window's involvements (hash joins),
 * keeping refs with enough occurrences in the window and at least one in the period; at
 * 1,000,000 occurrences this measured 4-5 s against 27 s for probing each of a year's ~470,000
 * involvements (index look-ups miss the cache). Shorter or narrower summaries start from the
 * period's own involvements and count each one's occurrences in the window, stopping at `min`,
 * from the indexes alone (`occurrence_people_role_ref_idx`, then `occurrences_id_flagged_idx`
 * for the flag time; `occurrences_location_idx` for places): their cost follows the period.
 */
export async function repeatCounts(
  db: Db,
  scope: SummaryScope,
  w: Window,
  windowStart: Date,
  min: number,
): Promise<{ victim: number; suspect: number; location: number }> {
  const wide = scope.kind === 'force' && w.end.getTime() - w.start.getTime() > ONE_PASS_AFTER_MS;
  const rows = await (wide ? repeatsOnePass(w, windowStart, min) : repeatsFromPeriod(scope, w, windowStart, min)).execute(db);
  const by = new Map(rows.rows.map((r) => [r.kind, num(r.n)]));
  return { victim: by.get('victim') ?? 0, suspect: by.get('suspect') ?? 0, location: by.get('location') ?? 0 };
}

function repeatsOnePass(w: Window, windowStart: Date, min: number): RawBuilder<{ kind: string; n: unknown }> {
  const from = windowStart < w.start ? windowStart : w.start;
  return sql<{ kind: string; n: unknown }>`
    with involved as (
      select q.role, q.person_ref from occurrences o join occurrence_people q on q.occurrence_id = o.id
      where o.flagged_at >= ${from} and o.flagged_at < ${w.end}
      group by q.role, q.person_ref
      having count(*) filter (where o.flagged_at >= ${windowStart}) >= ${min} and bool_or(o.flagged_at >= ${w.start})),
    places as (
      select o.location_ref from occurrences o
      where o.flagged_at >= ${from} and o.flagged_at < ${w.end} and o.location_ref is not null
      group by o.location_ref
      having count(*) filter (where o.flagged_at >= ${windowStart}) >= ${min} and bool_or(o.flagged_at >= ${w.start}))
    select role as kind, count(*) as n from involved group by role
    union all
    select 'location' as kind, count(*) as n from places`;
}

function repeatsFromPeriod(scope: SummaryScope, w: Window, windowStart: Date, min: number): RawBuilder<{ kind: string; n: unknown }> {
  return sql<{ kind: string; n: unknown }>`
    with period as materialized (
      select o.id, o.location_ref from occurrences o
      where o.flagged_at >= ${w.start} and o.flagged_at < ${w.end} and ${occurrenceScope(scope)}),
    people as (
      select p.role, p.person_ref from period join occurrence_people p on p.occurrence_id = period.id
      where (select count(*) from (
               select from occurrence_people q join occurrences o2 on o2.id = q.occurrence_id
               where q.role = p.role and q.person_ref = p.person_ref and o2.flagged_at >= ${windowStart} and o2.flagged_at < ${w.end}
               limit ${min}) x) >= ${min}),
    places as (
      select period.location_ref from period
      where period.location_ref is not null
        and (select count(*) from (
               select from occurrences o3 where o3.location_ref = period.location_ref and o3.flagged_at >= ${windowStart} and o3.flagged_at < ${w.end}
               limit ${min}) y) >= ${min})
    select role as kind, count(distinct person_ref) as n from people group by role
    union all
    select 'location' as kind, count(distinct location_ref) as n from places`;
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

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

/** Occurrence counts by type, source and district, with the distinct total and multi-strand count. */
export interface OccurrenceCounts {
  total: Pair;
  multiStrand: number;
  byType: Map<string, Pair>;
  bySource: Map<string, Pair>;
  /** Keyed by lower-case district, with one spelling to show. */
  byDistrict: Map<string, Pair & { name: string }>;
}

const inWindow = (w: Window) =>
  sql<boolean>`o.flagged_at >= ${w.prevStart} and o.flagged_at < ${w.end} and (o.flagged_at >= ${w.start} or o.flagged_at < ${w.prevEnd})`;
const cur = (w: Window) => sql<boolean>`o.flagged_at >= ${w.start}`;
const prev = (w: Window) => sql<boolean>`o.flagged_at < ${w.prevEnd}`;

/**
 * One pass over the occurrences of both periods with GROUPING SETS: by type, by source, by
 * district and the total (index `occurrences_flagged_cover_idx`, or the district/UPN ones).
 */
export async function occurrenceCounts(db: Db, scope: SummaryScope, w: Window): Promise<OccurrenceCounts> {
  const rows = await sql<{
    g_type: number;
    g_source: number;
    g_district: number;
    recorded_as: string | null;
    source: string | null;
    district_key: string | null;
    district: string | null;
    cur: unknown;
    prev: unknown;
    multi: unknown;
  }>`
    select grouping(o.recorded_as) as g_type, grouping(o.source) as g_source, grouping(lower(o.district)) as g_district,
      o.recorded_as, o.source, lower(o.district) as district_key, min(o.district) as district,
      count(*) filter (where ${cur(w)}) as cur,
      count(*) filter (where ${prev(w)}) as prev,
      count(*) filter (where ${cur(w)} and cardinality(o.strands) > 1) as multi
    from occurrences o
    where ${inWindow(w)} and ${occurrenceScope(scope)}
    group by grouping sets ((o.recorded_as), (o.source), (lower(o.district)), ())`.execute(db);
  const out: OccurrenceCounts = {
    total: { current: 0, previous: 0 },
    multiStrand: 0,
    byType: new Map(),
    bySource: new Map(),
    byDistrict: new Map(),
  };
  for (const r of rows.rows) {
    const pair = { current: num(r.cur), previous: num(r.prev) };
    if (num(r.g_type) === 0) out.byType.set(r.recorded_as!, pair);
    else if (num(r.g_source) === 0) out.bySource.set(r.source!, pair);
    else if (num(r.g_district) === 0) out.byDistrict.set(r.district_key!, { ...pair, name: r.district! });
    else {
      out.total = pair;
      out.multiStrand = num(r.multi);
    }
  }
  return out;
}

/** Occurrences per strand in both periods: an occurrence with two strands counts in both. */
export async function strandCounts(db: Db, scope: SummaryScope, w: Window): Promise<Map<string, Pair>> {
  const rows = await sql<{ strand: string; cur: unknown; prev: unknown }>`
    select s.strand, count(*) filter (where ${cur(w)}) as cur, count(*) filter (where ${prev(w)}) as prev
    from occurrences o cross join lateral unnest(o.strands) as s(strand)
    where ${inWindow(w)} and ${occurrenceScope(scope)}
    group by s.strand`.execute(db);
  return new Map(rows.rows.map((r) => [r.strand, { current: num(r.cur), previous: num(r.prev) }]));
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
 * Latest risk grade of the occurrences flagged in the period (`ungraded` when never reviewed):
 * one index-only probe per occurrence into `reviews_latest_idx` (occurrence_id, version desc)
 * include (risk_grade).
 */
export async function riskMix(db: Db, scope: SummaryScope, w: Window): Promise<Map<string, number>> {
  const rows = await sql<{ grade: string; n: unknown }>`
    select coalesce(g.risk_grade, 'ungraded') as grade, count(*) as n
    from occurrences o
    left join lateral (select r.risk_grade from reviews r where r.occurrence_id = o.id order by r.version desc limit 1) g on true
    where o.flagged_at >= ${w.start} and o.flagged_at < ${w.end} and ${occurrenceScope(scope)}
    group by 1`.execute(db);
  return new Map(rows.rows.map((r) => [r.grade, num(r.n)]));
}

/** Open occurrences whose latest review graded them high, now (partial index `reviews_high_idx`). */
export async function openHighRisk(db: Db, scope: SummaryScope): Promise<number> {
  const rows = await sql<{ n: unknown }>`
    select count(*) as n from reviews r join occurrences o on o.id = r.occurrence_id
    where r.risk_grade = 'high' and o.status = 'open' and ${occurrenceScope(scope)}
      and r.version = (select max(r2.version) from reviews r2 where r2.occurrence_id = r.occurrence_id)`.execute(db);
  return num(rows.rows[0]?.n);
}

const ONE_PASS_AFTER_MS = 45 * 86_400_000;

/**
 * Repeat victims, suspects and locations of the period: distinct people (by role) and locations
 * of the period's occurrences involved in at least `min` occurrences flagged in
 * [windowStart, end), matched force-wide on RMS refs (docs/domain.md "Repeat victimisation").
 * Force level over more than 45 days: one pass over the window's involvements (hash joins),
 * keeping refs with enough occurrences in the window and at least one in the period. Shorter or
 * narrower summaries start from the period's own refs (indexes `occurrence_people_ref_idx`,
 * `occurrences_location_idx`): their cost follows the period, not the window.
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
    with period as (
      select o.id, o.location_ref from occurrences o
      where o.flagged_at >= ${w.start} and o.flagged_at < ${w.end} and ${occurrenceScope(scope)}),
    people as (select distinct p.role, p.person_ref from period join occurrence_people p on p.occurrence_id = period.id),
    places as (select distinct location_ref from period where location_ref is not null)
    select pp.role as kind, count(*) as n from people pp
    where (select count(*) from occurrence_people q join occurrences o2 on o2.id = q.occurrence_id
           where q.person_ref = pp.person_ref and q.role = pp.role and o2.flagged_at >= ${windowStart} and o2.flagged_at < ${w.end}) >= ${min}
    group by pp.role
    union all
    select 'location' as kind, count(*) as n from places pl
    where (select count(*) from occurrences o3 where o3.location_ref = pl.location_ref and o3.flagged_at >= ${windowStart} and o3.flagged_at < ${w.end}) >= ${min}`;
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

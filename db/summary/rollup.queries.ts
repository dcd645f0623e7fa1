import { sql, type RawBuilder } from 'kysely';
import { inLondon } from '../time/london-time.js';
import type { SummaryScope } from './access.policy.js';

/** A half-open span [start, end) a figure counts over, numbered by the caller (e.g. 0 = current period, 1 = previous; or a month's index). */
export interface Part {
  part: number;
  start: Date;
  end: Date;
}

/** Rollup rows of one span (`day` or `month`, keyed by its 1st) with day in [from, to) (YYYY-MM-DD). */
export interface SpanRange {
  span: 'day' | 'month';
  from: string;
  to: string;
}

/**
 * A span of time split for the rollups (migration 2026-11-29T20): the whole Europe/London months in
 * it, the whole days before and after them, and the instants before the first whole day and after
 * the last, which only rows can answer (a period "to date" ends now, mid-day; compliance may start
 * at any instant).
 * @returns ranges of rollup rows (none when the span holds no whole day) and the edges left to rows
 */
export function splitSpans(start: Date, end: Date): { ranges: SpanRange[]; edges: { start: Date; end: Date }[] } {
  if (start >= end) return { ranges: [], edges: [] };
  const a = inLondon(start);
  const first = a.toMillis() === a.startOf('day').toMillis() ? a : a.startOf('day').plus({ days: 1 });
  const last = inLondon(end).startOf('day');
  if (first >= last) return { ranges: [], edges: [{ start, end }] };
  const edges: { start: Date; end: Date }[] = [];
  if (start < first.toJSDate()) edges.push({ start, end: first.toJSDate() });
  if (last.toJSDate() < end) edges.push({ start: last.toJSDate(), end });
  const date = (d: typeof a) => d.toISODate()!;
  const m1 = first.day === 1 ? first : first.startOf('month').plus({ months: 1 });
  const m2 = last.startOf('month');
  if (m1 >= m2) return { ranges: [{ span: 'day', from: date(first), to: date(last) }], edges };
  const ranges: SpanRange[] = [{ span: 'month', from: date(m1), to: date(m2) }];
  if (first < m1) ranges.push({ span: 'day', from: date(first), to: date(m1) });
  if (m2 < last) ranges.push({ span: 'day', from: date(m2), to: date(last) });
  return { ranges, edges };
}

/**
 * Where a figure comes from. `days`: its rollup as a FROM item with columns day, dim, value, n.
 * Otherwise its rows: `from` filtered by `where` (scope included), placed in a period by `time`,
 * first counted per combination of the `group` columns (expression and alias; a district reads a
 * few thousand rows but only dozens of combinations), then each combination (alias `c`) expanded
 * by `entries`, a lateral FROM item aliased `e` with columns dim and value (null: not counted),
 * the same function the rollup's triggers count with.
 */
export interface Rollup {
  days: RawBuilder<unknown>;
  from: RawBuilder<unknown>;
  where: RawBuilder<boolean>;
  time: RawBuilder<Date>;
  group: readonly [RawBuilder<unknown>, string][];
  entries: RawBuilder<unknown>;
}

/**
 * Counts per (dim, value, part) over the parts: at force level the whole months and days from the rollup
 * plus the rows of the edges; otherwise (a scope the rollup does not key) the rows of the parts.
 * At most two scans whatever the number of parts: every range of rollup rows in one select and every
 * slice of rows in another, each joining a VALUES list of (part, from, to), so each range is an index
 * range scan (LATERAL, and OFFSET 0 so the planner cannot flatten it into a hash join over the whole table) with its bounds
 * as parameters: as many parts as a chart's 12 months cost one plan, not 12.
 * Counts of 0 are left out, as a count of rows would.
 * @returns rows of dim, value, part (its number) and n
 */
export function rollupCounts(
  scope: SummaryScope,
  parts: readonly Part[],
  r: Rollup,
): RawBuilder<{ dim: string; value: string; part: number; n: unknown }> {
  const force = scope.kind === 'force';
  const ranges: { part: number; range: SpanRange }[] = [];
  const edges: { part: number; start: Date; end: Date }[] = [];
  for (const p of parts) {
    const split = force ? splitSpans(p.start, p.end) : { ranges: [], edges: p.start < p.end ? [{ start: p.start, end: p.end }] : [] };
    ranges.push(...split.ranges.map((range) => ({ part: p.part, range })));
    edges.push(...split.edges.map((e) => ({ part: p.part, ...e })));
  }
  const selects: RawBuilder<unknown>[] = [];
  if (ranges.length) {
    const list = sql.join(
      ranges.map(({ part, range: d }) => sql`(${sql.lit(part)}::int, ${d.span}::text, ${d.from}::date, ${d.to}::date)`),
    );
    selects.push(sql`select s.dim, s.value, p.part, s.n
      from (values ${list}) p(part, span, from_day, to_day)
      cross join lateral (select d.dim, d.value, d.n from ${r.days} d
                          where d.span = p.span and d.day >= p.from_day and d.day < p.to_day offset 0) s`);
  }
  if (edges.length) {
    const list = sql.join(edges.map((e) => sql`(${sql.lit(e.part)}::int, ${e.start}::timestamptz, ${e.end}::timestamptz)`));
    const cols = sql.join(r.group.map(([expr, alias]) => sql`${expr} as ${sql.ref(alias)}`));
    const byCols = sql.raw(r.group.map((_, i) => i + 1).join(', '));
    selects.push(sql`select e.dim, e.value, p.part, sum(c.n) as n
      from (values ${list}) p(part, from_at, to_at)
      cross join lateral (select ${cols}, count(*) as n from ${r.from}
                          where ${r.where} and ${r.time} >= p.from_at and ${r.time} < p.to_at group by ${byCols}) c
      cross join lateral ${r.entries}
      where e.value is not null
      group by 1, 2, 3`);
  }
  if (!selects.length) return sql`select null::text as dim, null::text as value, null::int as part, 0 as n where false`;
  return sql`select t.dim, t.value, t.part, sum(t.n) as n from (${sql.join(selects, sql` union all `)}) t
    group by 1, 2, 3 having sum(t.n) <> 0`;
}

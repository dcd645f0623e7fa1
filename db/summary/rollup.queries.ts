import { sql, type RawBuilder } from 'kysely';
import { inLondon } from '../time/london-time.js';
import type { SummaryScope } from './access.policy.js';

/** A half-open span [start, end) a figure counts over, and whether it is the current period (else the previous one). */
export interface Part {
  cur: boolean;
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
 * Counts per (dim, value, period) over the parts: at force level the whole months and days from the rollup
 * plus the rows of the edges; otherwise (a scope the rollup does not key) the rows of the parts.
 * Counts of 0 are left out, as a count of rows would.
 * @returns rows of dim, value, cur (current period) and n
 */
export function rollupCounts(
  scope: SummaryScope,
  parts: readonly Part[],
  r: Rollup,
): RawBuilder<{ dim: string; value: string; cur: boolean; n: unknown }> {
  const force = scope.kind === 'force';
  const split = parts.map((p) => ({
    ...p,
    ...(force ? splitSpans(p.start, p.end) : { ranges: [], edges: p.start < p.end ? [{ start: p.start, end: p.end }] : [] }),
  }));
  const selects: RawBuilder<unknown>[] = [];
  // One select per range of rollup rows and per slice of rows, each a plain range scan of its
  // index (index-only where it covers) with its period as a constant.
  for (const p of split)
    for (const d of p.ranges)
      selects.push(sql`select s.dim, s.value, ${p.cur ? sql`true` : sql`false`} as cur, s.n
        from ${r.days} s where s.span = ${d.span} and s.day >= ${d.from}::date and s.day < ${d.to}::date`);
  const cols = sql.join(r.group.map(([expr, alias]) => sql`${expr} as ${sql.ref(alias)}`));
  const byCols = sql.raw(r.group.map((_, i) => i + 1).join(', '));
  for (const p of split)
    for (const e of p.edges)
      selects.push(sql`select e.dim, e.value, ${p.cur ? sql`true` : sql`false`} as cur, sum(c.n) as n
        from (select ${cols}, count(*) as n from ${r.from}
              where ${r.where} and ${r.time} >= ${e.start} and ${r.time} < ${e.end} group by ${byCols}) c
        cross join lateral ${r.entries}
        where e.value is not null
        group by 1, 2`);
  if (!selects.length) return sql`select null::text as dim, null::text as value, null::boolean as cur, 0 as n where false`;
  return sql`select t.dim, t.value, t.cur, sum(t.n) as n from (${sql.join(selects, sql` union all `)}) t
    group by 1, 2, 3 having sum(t.n) <> 0`;
}

import { sql, type RawBuilder } from 'kysely';
import { inLondon } from '../time/london-time.js';
import type { SummaryScope } from './access.policy.js';

/** A half-open span [start, end) a figure counts over, and whether it is the current period (else the previous one). */
export interface Part {
  cur: boolean;
  start: Date;
  end: Date;
}

/**
 * A span split for the daily rollups (migration 2026-11-29T20): the whole Europe/London days in it,
 * as dates [from, to), and the instants before the first whole day and after the last, which only
 * rows can answer (a period "to date" ends now, mid-day; compliance may start at any instant).
 * @returns days null when the span holds no whole day; edges empty when it starts and ends at midnight
 */
export function splitDays(start: Date, end: Date): { days: { from: string; to: string } | null; edges: { start: Date; end: Date }[] } {
  if (start >= end) return { days: null, edges: [] };
  const a = inLondon(start);
  const first = a.toMillis() === a.startOf('day').toMillis() ? a : a.startOf('day').plus({ days: 1 });
  const last = inLondon(end).startOf('day');
  if (first >= last) return { days: null, edges: [{ start, end }] };
  const edges: { start: Date; end: Date }[] = [];
  if (start < first.toJSDate()) edges.push({ start, end: first.toJSDate() });
  if (last.toJSDate() < end) edges.push({ start: last.toJSDate(), end });
  return { days: { from: first.toISODate()!, to: last.toISODate()! }, edges };
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

const anyOf = (conds: RawBuilder<boolean>[]): RawBuilder<boolean> =>
  conds.length ? sql<boolean>`(${sql.join(conds, sql` or `)})` : sql<boolean>`false`;

/**
 * Counts per (dim, value, period) over the parts: at force level the whole days from the rollup
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
    ...(force ? splitDays(p.start, p.end) : { days: null, edges: p.start < p.end ? [{ start: p.start, end: p.end }] : [] }),
  }));
  const dayIn = (d: { from: string; to: string }) => sql<boolean>`(s.day >= ${d.from}::date and s.day < ${d.to}::date)`;
  const dayParts = split.filter((p) => p.days);
  const selects: RawBuilder<unknown>[] = [];
  if (dayParts.length)
    selects.push(sql`select s.dim, s.value, ${anyOf(dayParts.filter((p) => p.cur).map((p) => dayIn(p.days!)))} as cur, s.n
      from ${r.days} s where ${anyOf(dayParts.map((p) => dayIn(p.days!)))}`);
  const cols = sql.join(r.group.map(([expr, alias]) => sql`${expr} as ${sql.ref(alias)}`));
  const byCols = sql.raw(r.group.map((_, i) => i + 1).join(', '));
  // One select per slice of rows, so each is a plain range scan of its index (index-only where it covers).
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

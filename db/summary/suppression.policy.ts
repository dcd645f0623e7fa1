/**
 * Small-number suppression for aggregates that leave the police (partners, scrutiny panels).
 *
 * Rules (ONS-style statistical disclosure control):
 * 1. Primary: a count of 1 to `threshold - 1` is hidden (shown as "<threshold"); 0 is shown.
 * 2. Totals: a total below the threshold (and above 0) is hidden too.
 * 3. Secondary: in any table whose cells add up to a shown total (or to one another, as strands
 *    nearly do), if exactly one cell is hidden, the smallest other non-zero cell is hidden as
 *    well, so no hidden cell can be worked out by subtraction from the total.
 * 4. Chart points are rounded to the nearest 5 and small ones left as gaps, so the chart cannot
 *    undo rule 3 for the period's own month.
 * Counts of delivery-plan actions are not about people and are never suppressed.
 */

/** A count as shown: a number, or null when suppressed. */
export type Count = number | null;

const small = (n: number, threshold: number) => n > 0 && n < threshold;

/** Rule 1 on one count (no secondary rule: for counts that are not part of a table). */
export function suppressOne(n: number, threshold: number): Count {
  return small(n, threshold) ? null : n;
}

/**
 * Rules 1 to 3 on one table. `total` is the shown total the cells add up to, or null when the
 * table has none; the secondary rule applies either way.
 * @returns the cells (same order) and the total, each a number or null
 */
export function suppressTable(cells: readonly number[], total: number | null, threshold: number): { cells: Count[]; total: Count } {
  const out: Count[] = cells.map((c) => suppressOne(c, threshold));
  const shownTotal = total === null ? null : suppressOne(total, threshold);
  const hidden = out.filter((c) => c === null).length;
  if (hidden === 1) {
    let pick = -1;
    out.forEach((c, i) => {
      if (c !== null && c > 0 && (pick < 0 || c < (out[pick] as number))) pick = i;
    });
    if (pick >= 0) out[pick] = null;
  }
  return { cells: out, total: shownTotal };
}

/** Rule 4: a chart value for partners, rounded to the nearest 5 (null: a gap). */
export function suppressChartPoint(n: number, threshold: number): number | null {
  if (n === 0) return 0;
  if (small(n, threshold)) return null;
  return Math.max(5, Math.round(n / 5) * 5);
}

/**
 * Applies `suppressTable` to a current/previous comparison table column by column.
 * @returns rows with `current` and `previous` as counts
 */
export function suppressCompared<T extends { current: number; previous: number }>(
  rows: readonly T[],
  totals: { current: number; previous: number } | null,
  threshold: number,
): (Omit<T, 'current' | 'previous'> & { current: Count; previous: Count })[] {
  const cur = suppressTable(rows.map((r) => r.current), totals?.current ?? null, threshold).cells;
  const prev = suppressTable(rows.map((r) => r.previous), totals?.previous ?? null, threshold).cells;
  return rows.map((r, i) => ({ ...r, current: cur[i] ?? null, previous: prev[i] ?? null }));
}

/**
 * Small-number suppression for aggregates that leave the police (partners, scrutiny panels).
 *
 * Rules (ONS-style statistical disclosure control):
 * 1. Primary: a count of 1 to `threshold - 1` is hidden and reads "<threshold"; 0 is shown.
 * 2. Totals: a total below the threshold (and above 0) is hidden the same way.
 * 3. Secondary (complementary): in any row or column of a table whose total is shown (or that
 *    has no total: strands nearly add up to the distinct total), if exactly one cell is hidden,
 *    the smallest other non-zero cell is hidden too (when there is none, the total is), so no
 *    hidden cell can be worked out by subtraction. Repeated until nothing changes, as hiding a
 *    cell in a row can leave its column with one hidden cell. A cell hidden by this rule reads
 *    as HIDDEN ("hidden"), never "<threshold": it may well be 19.
 * 4. Chart points are rounded to the nearest 5 and small ones left as gaps, so the chart cannot
 *    undo rule 3 for the period's own month.
 * Counts of delivery-plan actions are not about people and are never suppressed.
 */

/** Marks a count hidden by rule 3: it is not small, but would let a small one be worked out. */
const HIDDEN = 'hidden' as const;

/** A count as shown: a number; null when small (rule 1 or 2, reads "<threshold"); HIDDEN (rule 3). */
export type Count = number | null | typeof HIDDEN;

const small = (n: number, threshold: number) => n > 0 && n < threshold;

/** Rule 1 on one count (no secondary rule: for counts that are not part of a table). */
export function suppressOne(n: number, threshold: number): number | null {
  return small(n, threshold) ? null : n;
}

/** Whether a count is shown as a number (neither small nor hidden). */
const isShown = (c: Count): c is number => typeof c === 'number';

/** One row or column: the cells it holds (as [row, column]) and its total, if the table shows one. */
interface Line {
  cells: [number, number][];
  total: { get: () => Count; hide: () => void } | null;
}

/**
 * Rules 1 to 3 on a two-dimensional table. `rowTotals[i]` is the shown total of row i (null:
 * the table shows none, and the secondary rule still applies to the row); `colTotals` likewise
 * for columns, or null when columns do not add up to anything shown.
 * @returns cells and totals as counts (null: small; HIDDEN: hidden so a small one cannot be worked out)
 */
export function suppressGrid(
  cells: readonly (readonly number[])[],
  rowTotals: readonly (number | null)[],
  colTotals: readonly (number | null)[] | null,
  threshold: number,
): { cells: Count[][]; rowTotals: Count[]; colTotals: Count[] | null } {
  const out: Count[][] = cells.map((row) => row.map((c) => suppressOne(c, threshold)));
  const rows: Count[] = rowTotals.map((t) => (t === null ? HIDDEN : suppressOne(t, threshold)));
  const cols: Count[] | null = colTotals ? colTotals.map((t) => (t === null ? HIDDEN : suppressOne(t, threshold))) : null;
  const width = Math.max(0, ...cells.map((r) => r.length));
  const lines: Line[] = cells.map((row, i) => ({
    cells: row.map((_c, j) => [i, j] as [number, number]),
    total: rowTotals[i] === null ? null : { get: () => rows[i]!, hide: () => (rows[i] = HIDDEN) },
  }));
  if (cols) {
    for (let j = 0; j < width; j++) {
      lines.push({
        cells: cells.flatMap((row, i) => (j < row.length ? [[i, j] as [number, number]] : [])),
        total: colTotals![j] === null ? null : { get: () => cols[j]!, hide: () => (cols[j] = HIDDEN) },
      });
    }
  }
  for (let changed = true; changed;) {
    changed = false;
    for (const line of lines) {
      // A suppressed total gives nothing to subtract from.
      if (line.total && !isShown(line.total.get())) continue;
      const hidden = line.cells.filter(([i, j]) => !isShown(out[i]![j]!)).length;
      if (hidden !== 1) continue;
      let pick: [number, number] | null = null;
      for (const [i, j] of line.cells) {
        const c = out[i]![j]!;
        if (isShown(c) && c > 0 && (pick === null || c < (out[pick[0]]![pick[1]] as number))) pick = [i, j];
      }
      if (pick) out[pick[0]]![pick[1]] = HIDDEN;
      else if (line.total) line.total.hide();
      else continue;
      changed = true;
    }
  }
  return {
    cells: out,
    rowTotals: rows.map((t, i) => (rowTotals[i] === null ? null : t)),
    colTotals: cols && cols.map((t, j) => (colTotals![j] === null ? null : t)),
  };
}

/**
 * Rules 1 to 3 on one list of cells. `total` is the shown total the cells add up to, or null
 * when the table has none; the secondary rule applies either way.
 * @returns the cells (same order) and the total, each a count
 */
export function suppressTable(cells: readonly number[], total: number | null, threshold: number): { cells: Count[]; total: Count } {
  const r = suppressGrid([cells], [total], null, threshold);
  return { cells: r.cells[0]!, total: r.rowTotals[0]! };
}

/** Rule 4: a chart value for partners, rounded to the nearest 5 (null: a gap). */
export function suppressChartPoint(n: number, threshold: number): number | null {
  if (n === 0) return 0;
  if (small(n, threshold)) return null;
  return Math.max(5, Math.round(n / 5) * 5);
}

/**
 * Applies the rules to a current/previous comparison table: each column adds up to its total
 * (rows do not: current plus previous is shown nowhere).
 * @returns rows with `current` and `previous` as counts
 */
export function suppressCompared<T extends { current: number; previous: number }>(
  rows: readonly T[],
  totals: { current: number; previous: number } | null,
  threshold: number,
): (Omit<T, 'current' | 'previous'> & { current: Count; previous: Count })[] {
  const cur = suppressTable(
    rows.map((r) => r.current),
    totals?.current ?? null,
    threshold,
  ).cells;
  const prev = suppressTable(
    rows.map((r) => r.previous),
    totals?.previous ?? null,
    threshold,
  ).cells;
  return rows.map((r, i) => ({ ...r, current: cur[i] ?? null, previous: prev[i] ?? null }));
}

// How summary and scrutiny cards print a count that may be suppressed (db/summary/suppression.policy.ts).

export type CardCount = number | null | 'hidden';

/** How a count hidden by the secondary rule reads (why: the report's `notes.reasons.hidden`). */
export const HIDDEN_TEXT = 'hidden';

/** "<5" for a small count, "hidden" for one hidden so that a small one cannot be worked out. */
export const fmtCount = (c: CardCount, below: number | null): string =>
  c === null ? `<${below ?? '?'}` : c === 'hidden' ? HIDDEN_TEXT : c.toLocaleString('en-GB');

/** "42 (previous 38, +11%)"; the change is left out when either count is suppressed. */
export function fmtCompared(r: { current: CardCount; previous: CardCount }, below: number | null): string {
  const base = `${fmtCount(r.current, below)} (previous ${fmtCount(r.previous, below)}`;
  if (typeof r.current !== 'number' || typeof r.previous !== 'number') return `${base})`;
  const diff = r.current - r.previous;
  if (r.previous === 0) return `${base}${diff > 0 ? `, +${diff}` : ''})`;
  const pct = Math.round((100 * diff) / r.previous);
  return `${base}, ${pct > 0 ? '+' : ''}${pct}%)`;
}

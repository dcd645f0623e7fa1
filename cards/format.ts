// London time and its formatters live once in db/time/london-time.ts, a pure file cards/ may import.
export { londonDate, ukDate, ukDateTime, ukShortDate, ZONE } from '../db/time/london-time.js';

/** A snake_case key as words with a capital: `sexual_orientation` → "Sexual orientation". */
export function humanise(key: string): string {
  const words = key.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Text cut to `n` characters with an ellipsis, so a long update cannot push a card past Teams' size limit. */
export const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Largest card JSON the bot posts (characters). Teams refuses messages over about 28 KB;
 * the margin covers the activity around the card.
 */
export const TEAMS_CARD_LIMIT = 26_000;

/** "1 occurrence", "no occurrences", "3 occurrences": right for 0 and 1. */
export const plural = (n: number, one: string, many = `${one}s`): string =>
  n === 0 ? `no ${many}` : `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

import { DateTime } from 'luxon';

/** Product time zone (domain.md: Europe/London). */
export const ZONE = 'Europe/London';

/** A moment as UK users read it, e.g. "Fri 20 Nov 2026, 14:05 GMT" (Europe/London, BST/GMT named). */
export function ukDateTime(at: Date | string): string {
  const dt = typeof at === 'string' ? DateTime.fromISO(at) : DateTime.fromJSDate(at);
  return dt.setZone(ZONE).toFormat('ccc d LLL yyyy, HH:mm ZZZZ');
}

/** A snake_case key as words with a capital: `sexual_orientation` → "Sexual orientation". */
export function humanise(key: string): string {
  const words = key.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A calendar day (YYYY-MM-DD, London) as UK users read it, e.g. "Tue 12 Jan 2027". */
export const ukDate = (d: string): string => DateTime.fromISO(d, { zone: ZONE }).toFormat('ccc d LLL yyyy');

/** Text cut to `n` characters with an ellipsis, so a long update cannot push a card past Teams' size limit. */
export const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Largest card JSON the bot posts (characters). Teams refuses messages over about 28 KB;
 * the margin covers the activity around the card.
 */
export const TEAMS_CARD_LIMIT = 26_000;

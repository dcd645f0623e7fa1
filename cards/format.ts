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

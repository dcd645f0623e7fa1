import { DateTime, IANAZone } from 'luxon';

/**
 * London time, the product's one clock (docs/domain.md: every date and time a user sees or types is
 * Europe/London, BST or GMT). This file is imported by db/, cards/, bot/, jobs/ and scripts/: pure, it
 * imports nothing of the project, so cards/ may import it (lint, docs/architecture.md).
 */
export const ZONE = 'Europe/London';

/** 1900-01-01T00:00Z: since then every change of London's offset falls on a whole UTC hour (01:00 UTC today). */
const WHOLE_HOUR_CHANGES_SINCE = -2_208_988_800_000;

/**
 * Europe/London for Luxon, remembering its offset per UTC hour. Luxon asks Intl for the offset on
 * every zoned calculation (a formatToParts each), which dominated planning review deadlines for an
 * import; the offset can only change on a whole UTC hour, so one answer per hour is exact.
 */
class LondonZone extends IANAZone {
  private readonly byHour = new Map<number, number>();

  override offset(ts: number): number {
    if (ts < WHOLE_HOUR_CHANGES_SINCE) return super.offset(ts);
    const hour = Math.floor(ts / 3_600_000);
    let minutes = this.byHour.get(hour);
    if (minutes === undefined) {
      minutes = super.offset(ts);
      // Bounded: a long-running bot asks about a few years of hours at most; start over past that.
      if (this.byHour.size >= 100_000) this.byHour.clear();
      this.byHour.set(hour, minutes);
    }
    return minutes;
  }
}

/** Europe/London as a Luxon zone (the same as ZONE, faster for repeated calendar arithmetic). */
export const LONDON: IANAZone = new LondonZone(ZONE);

/** Luxon formats the product shows, written once: `ccc d LLL yyyy` etc. (en-GB wording). */
export const FORMATS = {
  /** "Fri 20 Nov 2026, 14:05" + the zone's name (see {@link ukDateTime}) */
  dateTime: 'ccc d LLL yyyy, HH:mm',
  /** "Fri 20 Nov 2026, 14:05" (a time the user typed, zone implied) */
  dateTimeNoZone: 'ccc d LLL yyyy, HH:mm',
  /** "Tue 12 Jan 2027" */
  day: 'ccc d LLL yyyy',
  /** "12 Jan 2027" */
  shortDay: 'd LLL yyyy',
  /** "November 2026" */
  month: 'LLLL yyyy',
} as const;

/** An instant as a Luxon DateTime in London (for calendar arithmetic: start of day, week, month). */
export function inLondon(at: Date): DateTime {
  return DateTime.fromJSDate(at, { zone: LONDON });
}

/** A London calendar date 'YYYY-MM-DD' as a DateTime at London midnight (invalid if not a date). */
export function londonDay(date: string): DateTime {
  return DateTime.fromISO(date, { zone: ZONE });
}

/** The London calendar date of an instant, as 'YYYY-MM-DD' (23:30 UTC in summer is the next day). */
export function londonDate(at: Date): string {
  return inLondon(at).toISODate()!;
}

/** Whole days from London date `a` to `b` ('YYYY-MM-DD'); negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round(londonDay(b).diff(londonDay(a), 'days').days);
}

/** Adds whole days to a 'YYYY-MM-DD' date. */
export function addDays(date: string, days: number): string {
  return londonDay(date).plus({ days }).toISODate()!;
}

/** The zone's name per offset in minutes (0: "GMT", 60: "BST"); see {@link ukDateTime}. */
const zoneNames = new Map<number, string>();

/**
 * A moment as UK users read it, e.g. "Fri 20 Nov 2026, 14:05 GMT" or "Fri 19 Jun 2026, 11:00 BST".
 * Accepts a Date or an ISO string. The zone's name is asked of en-GB whatever the server's
 * locale (elsewhere it is "GMT+1"); day and month names stay English ("Sep", not "Sept").
 * Luxon builds a new Intl.DateTimeFormat for every zone name it formats, the largest part of a
 * review card's rendering; London's name follows from its offset, so it is asked once per offset.
 */
export function ukDateTime(at: Date | string): string {
  const dt = (typeof at === 'string' ? DateTime.fromISO(at) : DateTime.fromJSDate(at)).setZone(LONDON).setLocale('en');
  let zone = zoneNames.get(dt.offset);
  if (zone === undefined) {
    zone = dt.setLocale('en-GB').toFormat('ZZZZ');
    zoneNames.set(dt.offset, zone);
  }
  return `${dt.toFormat(FORMATS.dateTime)} ${zone}`;
}

/** A calendar day (YYYY-MM-DD, London) as UK users read it, e.g. "Tue 12 Jan 2027". */
export const ukDate = (d: string): string => londonDay(d).toFormat(FORMATS.day);

/** A London day as "12 Jan 2027", from 'YYYY-MM-DD' or an instant. */
export const ukShortDate = (d: string | Date): string => (typeof d === 'string' ? londonDay(d) : inLondon(d)).toFormat(FORMATS.shortDay);

import type Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { createRequire } from 'node:module';

import { LONDON } from '../time/london-time.js';

type HolidaysClass = typeof Holidays;

// date-holidays (with moment-timezone behind it) is loaded on first use, not when the bot starts
// (issue 11, item 7: memory), and asked once per year, not once per day stepped over (item 3).
const requireLazily = createRequire(import.meta.url);
let calendar: Holidays | null = null;
const bankHolidaysByYear = new Map<number, ReadonlySet<string>>();

/**
 * The England and Wales bank holidays of a calendar year, as London dates 'YYYY-MM-DD', from the
 * maintained date-holidays data set (type "public", substitute days included). Cached per year.
 */
export function bankHolidays(year: number): ReadonlySet<string> {
  let days = bankHolidaysByYear.get(year);
  if (!days) {
    if (!calendar) {
      const mod = requireLazily('date-holidays') as HolidaysClass | { default: HolidaysClass };
      const Ctor = 'default' in mod ? mod.default : mod;
      calendar = new Ctor('GB', 'ENG', { types: ['public'] });
    }
    days = new Set(
      calendar
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    );
    bankHolidaysByYear.set(year, days);
  }
  return days;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Whether the calendar date y-m-d (a proleptic Gregorian date, month 1-12) is a working day. */
function workingDate(y: number, m: number, d: number): boolean {
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !bankHolidays(y).has(`${y}-${pad(m)}-${pad(d)}`);
}

/** Whether a Europe/London calendar date is a working day (not a weekend or an England and Wales bank holiday). */
export function isWorkingDay(date: DateTime): boolean {
  const local = date.setZone(LONDON);
  return workingDate(local.year, local.month, local.day);
}

/**
 * Adds `n` working days (weekends and England and Wales bank holidays skipped), keeping the
 * Europe/London time of day; across a BST/GMT change the wall-clock time stays the same.
 * The days are stepped on the calendar alone (two time-zone conversions per call, whatever `n`).
 * Source: Victims' Code (referral within 2 working days; updates within 1 or 5 working days).
 */
export function addWorkingDays(from: Date, n: number): Date {
  const start = DateTime.fromJSDate(from, { zone: LONDON });
  // The calendar date as a UTC midnight: adding 86,400,000 ms is exactly one calendar day.
  const day = new Date(Date.UTC(start.year, start.month - 1, start.day));
  let left = n;
  while (left > 0) {
    day.setUTCDate(day.getUTCDate() + 1);
    if (workingDate(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate())) left--;
  }
  const days = Math.round((day.getTime() - Date.UTC(start.year, start.month - 1, start.day)) / 86_400_000);
  // Luxon's calendar-day addition keeps the wall-clock time (a time lost to the clocks going forward moves on).
  return start.plus({ days }).toJSDate();
}

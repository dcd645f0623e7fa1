import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

import { ZONE } from '../time/london-time.js';

// England and Wales bank holidays from the maintained date-holidays data set (type "public").
const holidays = new Holidays('GB', 'ENG', { types: ['public'] });

/** Whether a Europe/London calendar date is a working day (not a weekend or an England and Wales bank holiday). */
export function isWorkingDay(date: DateTime): boolean {
  const local = date.setZone(ZONE);
  if (local.weekday > 5) return false;
  const found = holidays.isHoliday(new Date(Date.UTC(local.year, local.month - 1, local.day, 12)));
  return !(Array.isArray(found) && found.some((h) => h.type === 'public'));
}

/**
 * Adds `n` working days (weekends and England and Wales bank holidays skipped), keeping the
 * Europe/London time of day; across a BST/GMT change the wall-clock time stays the same.
 * Source: Victims' Code (referral within 2 working days; updates within 1 or 5 working days).
 */
export function addWorkingDays(from: Date, n: number): Date {
  let d = DateTime.fromJSDate(from).setZone(ZONE);
  let left = n;
  while (left > 0) {
    d = d.plus({ days: 1 });
    if (isWorkingDay(d)) left--;
  }
  return d.toJSDate();
}

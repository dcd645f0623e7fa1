import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';

/**
 * Dates as UK users type them (pure; Europe/London). Rule: `12/1` is 12 January (day first),
 * a date without a year is the next such date that is not in the past, a weekday name is the
 * next such day after today (`friday` typed on a Friday is a week today; say `today` for today),
 * `3 weeks`, `in 2 days`, `tomorrow`, `12 Jan`, `12/1/2027` and ISO `2027-01-12` are accepted.
 */
export const ZONE = 'Europe/London';

/** How to write a date, for answers that refuse one. */
export const DATE_FORMS = '`12/1` (12 January), `12/1/2027`, `12 Jan`, `friday`, `tomorrow`, `3 weeks`, `in 10 days` or `2027-01-12`';

export type DateParse = { ok: true; date: string } | { ok: false; message: string };
export type DateTimeParse = { ok: true; at: Date; timeGiven: boolean } | { ok: false; message: string };

const WEEKDAY = /\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day|sday|nesday|rsday|urday)?\b/i;

/** The London calendar date of an instant, as 'YYYY-MM-DD'. */
export function londonDate(at: Date): string {
  return DateTime.fromJSDate(at).setZone(ZONE).toISODate()!;
}

/** Whole days from London date `a` to `b` ('YYYY-MM-DD'); negative when b is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round(DateTime.fromISO(b, { zone: ZONE }).diff(DateTime.fromISO(a, { zone: ZONE }), 'days').days);
}

/** Adds whole days to a 'YYYY-MM-DD' date. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: ZONE }).plus({ days }).toISODate()!;
}

/** `d/m`, `d/m/yy`, `d/m/yyyy`, optionally followed by a time: always day first; no year → next such date from today. */
function numericDate(m: RegExpExecArray, now: Date): { at: DateTime; timeGiven: boolean } | null {
  const today = DateTime.fromJSDate(now).setZone(ZONE).startOf('day');
  const day = +m[1]!;
  const month = +m[2]!;
  let time = { hour: 0, minute: 0 };
  if (m[4]) {
    const tm = /^(\d{1,2})(?:[:.](\d{2}))? ?(am|pm)?$/i.exec(m[4].trim());
    if (!tm) return null;
    const h = +tm[1]! % (tm[3] ? 12 : 24) + (tm[3]?.toLowerCase() === 'pm' ? 12 : 0);
    if (+tm[1]! > (tm[3] ? 12 : 23) || +(tm[2] ?? 0) > 59) return null;
    time = { hour: h, minute: +(tm[2] ?? 0) };
  }
  const year = m[3] ? (m[3].length === 2 ? 2000 + +m[3] : +m[3]) : today.year;
  let at = DateTime.fromObject({ year, month, day, ...time }, { zone: ZONE });
  if (!at.isValid) return null;
  if (!m[3] && at.startOf('day') < today) at = at.plus({ years: 1 });
  return at.isValid ? { at, timeGiven: Boolean(m[4]) } : null;
}

function parseWhole(text: string, now: Date): { at: DateTime; timeGiven: boolean } | null {
  const t = text.trim().replace(/\s+/g, ' ').replace(/^(on|by) /i, '');
  if (!t) return null;
  const numeric = /^(\d{1,2})\/(\d{1,2})(?:\/(\d{2}|\d{4}))?(?: (.+))?$/.exec(t);
  if (numeric) return numericDate(numeric, now);
  const offset = DateTime.fromJSDate(now).setZone(ZONE).offset;
  const results = chrono.en.GB.parse(t, { instant: now, timezone: offset }, { forwardDate: !/\b(last|ago|yesterday|previous)\b/i.test(t) });
  const r = results[0];
  if (results.length !== 1 || !r || r.text.trim().length !== t.length || r.end) return null;
  const c = r.start;
  let at = DateTime.fromObject({ year: c.get('year')!, month: c.get('month')!, day: c.get('day')!, hour: c.get('hour') ?? 0, minute: c.get('minute') ?? 0 }, { zone: ZONE });
  if (!at.isValid) return null;
  const today = DateTime.fromJSDate(now).setZone(ZONE).startOf('day');
  if (WEEKDAY.test(t) && !c.isCertain('day') && at.startOf('day').equals(today)) at = at.plus({ days: 7 });
  const timeGiven = c.isCertain('hour') && !/^(in )?\d+ (day|week|month|year)s?$/i.test(t);
  return { at, timeGiven };
}

/**
 * Reads a due date. @returns 'YYYY-MM-DD' (London), or a message naming the accepted forms;
 * a date before today is refused unless `allowPast`.
 */
export function parseUkDate(text: string, now: Date, opts: { allowPast?: boolean } = {}): DateParse {
  const p = parseWhole(text, now);
  if (!p) return { ok: false, message: `"${text.trim().slice(0, 40)}" is not a date I can read; write ${DATE_FORMS}` };
  const date = p.at.toISODate()!;
  if (!opts.allowPast && date < londonDate(now)) return { ok: false, message: `${p.at.toFormat('ccc d LLL yyyy')} is in the past` };
  return { ok: true, date };
}

/**
 * Reads a meeting date and time (`12/1 10:00`, `friday 2pm`, `2027-01-12 14:30`); no time means
 * 10:00. @returns the instant, or a message; a time already passed is refused.
 */
export function parseUkDateTime(text: string, now: Date): DateTimeParse {
  const p = parseWhole(text, now);
  if (!p) return { ok: false, message: `"${text.trim().slice(0, 40)}" is not a date and time I can read; write e.g. \`12/1 10:00\`, \`friday 14:00\` or \`2027-01-12 10:00\`` };
  const at = p.timeGiven ? p.at : p.at.set({ hour: 10, minute: 0 });
  if (at.toJSDate() <= now) return { ok: false, message: `${at.toFormat('ccc d LLL yyyy, HH:mm')} has already passed` };
  return { ok: true, at: at.toJSDate(), timeGiven: p.timeGiven };
}

/** Reads a date in a plan file: ISO `2026-12-01`, or UK `1/12/2026` / `1/12/26`. Null if neither. */
export function parsePlanDate(text: string): string | null {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(t);
  const parts = iso ? { year: +iso[1]!, month: +iso[2]!, day: +iso[3]! } : uk ? { year: uk[3]!.length === 2 ? 2000 + +uk[3]! : +uk[3]!, month: +uk[2]!, day: +uk[1]! } : null;
  if (!parts) return null;
  const d = DateTime.fromObject(parts, { zone: ZONE });
  return d.isValid ? d.toISODate() : null;
}

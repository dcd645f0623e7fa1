import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { FORMATS, inLondon, londonDate, ZONE } from './london-time.js';

/**
 * The one date grammar: every date a person types (plan due dates in `assign` and on the
 * assign form, meeting dates, the dates of a summary's range, the plan CSV's `due`) is read
 * here, in Europe/London. Accepted forms:
 * - `12/1` (day first: 12 January), `12/1/2027`, `12/1/27`, also with `.` or `-` (`1.10.2026`);
 * - ISO `2026-12-01`; `1 Dec 2026`, `1st December`, `Dec 1`;
 * - `today`, `tomorrow`, `yesterday`; weekday names `friday`, `next friday`, `last friday`;
 * - `3 weeks`, `in 10 days`, `2 months ago`;
 * - meetings add a time: `12/1 10:00`, `friday 2pm`, `2027-01-12 14:30`.
 * A date without a year, a bare weekday and a bare `3 weeks` are read in a direction from an
 * anchor day (default today): forward for due dates and meetings (`friday` typed on a Friday is a
 * week today; say `today` for today), backward for the start of a summary's range.
 */

/** How to write a date, for answers that refuse one. */
export const DATE_FORMS = '`12/1` (12 January), `12/1/2027`, `1 Dec 2026`, `2026-12-01`, `friday`, `tomorrow`, `3 weeks` or `in 10 days`';

export type DateParse = { ok: true; date: string } | { ok: false; message: string };
export type DateTimeParse = { ok: true; at: Date; timeGiven: boolean } | { ok: false; message: string };

/** Which way a date without a year, a bare weekday or a bare `3 weeks` is read from the anchor day. */
export type Direction = 'future' | 'past';

/** Options of {@link readDate}. */
export interface ReadOptions {
  /** Default 'future'. */
  direction?: Direction;
  /** The day directions count from (London midnight); default the London day of `now`. */
  anchor?: DateTime;
  /** Only dates that name their year (`2026-12-01`, `1/12/2026`, `1 Dec 2026`): for files, where "tomorrow" means nothing. */
  absolute?: boolean;
}

/** A date read: London wall-clock time (midnight unless a time was typed). */
export interface ReadDate {
  at: DateTime;
  timeGiven: boolean;
}

const WEEKDAY_FIRST = /^(mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)(day|sday|nesday|rsday|urday)?\b/i;
const DURATION = /^(in )?(\d{1,3}) (day|week|month|year)s?( ago)?$/i;
const NUMERIC = /^(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{2}|\d{4}))?(?: (.+))?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](.+))?$/;

/** `14:30`, `2pm`, `9.15 am`, `10`: hour and minute, or null. */
function readTime(text: string): { hour: number; minute: number } | null {
  const tm = /^(?:at )?(\d{1,2})(?:[:.](\d{2}))? ?(am|pm)?$/i.exec(text.trim());
  if (!tm) return null;
  const h = +tm[1]!;
  const minute = +(tm[2] ?? 0);
  if (h > (tm[3] ? 12 : 23) || minute > 59 || (tm[3] && h === 0)) return null;
  return { hour: (h % (tm[3] ? 12 : 24)) + (tm[3]?.toLowerCase() === 'pm' ? 12 : 0), minute };
}

/** A month and day without a year: the first such date on or after the anchor (future) or on or before it (past). */
function placeYear(month: number, day: number, anchor: DateTime, direction: Direction): DateTime | null {
  // A date that does not exist in the anchor's year (31/2, 29/2 in 2026) is refused, not moved.
  const d = DateTime.fromObject({ year: anchor.year, month, day }, { zone: ZONE });
  if (!d.isValid) return null;
  const wrongSide = direction === 'future' ? d < anchor : d > anchor;
  const placed = wrongSide ? d.plus({ years: direction === 'future' ? 1 : -1 }) : d;
  return placed.isValid && placed.day === day ? placed : null;
}

/** Day-first numeric and ISO dates, with an optional time. */
function numeric(t: string, anchor: DateTime, direction: Direction): ReadDate | null | undefined {
  const iso = ISO.exec(t);
  const m = iso ? null : NUMERIC.exec(t);
  if (!iso && !m) return undefined;
  const tail = iso ? iso[4] : m![5];
  const time = tail ? readTime(tail) : { hour: 0, minute: 0 };
  if (!time) return null;
  let at: DateTime | null;
  if (iso) at = DateTime.fromObject({ year: +iso[1]!, month: +iso[2]!, day: +iso[3]! }, { zone: ZONE });
  else if (m![4])
    at = DateTime.fromObject({ year: m![4].length === 2 ? 2000 + +m![4] : +m![4], month: +m![3]!, day: +m![1]! }, { zone: ZONE });
  else at = placeYear(+m![3]!, +m![1]!, anchor, direction);
  if (!at?.isValid) return null;
  return { at: at.set(time), timeGiven: Boolean(tail) };
}

/** `3 weeks`, `in 10 days`, `2 months ago` from the anchor day. */
function duration(t: string, anchor: DateTime, direction: Direction): ReadDate | undefined {
  const d = DURATION.exec(t);
  if (!d) return undefined;
  if (d[1] && d[4]) return undefined;
  const sign = d[1] ? 1 : d[4] ? -1 : direction === 'future' ? 1 : -1;
  return { at: anchor.plus({ [`${d[3]!.toLowerCase()}s`]: sign * +d[2]! }), timeGiven: false };
}

/** Everything else, through chrono (en-GB): month names, today/tomorrow, weekdays, with a time. */
function words(t: string, now: Date, anchor: DateTime, direction: Direction): ReadDate | null {
  const backward = direction === 'past' || /\b(last|ago|yesterday|previous)\b/i.test(t);
  const results = chrono.en.GB.parse(t, { instant: now, timezone: inLondon(now).offset }, { forwardDate: !backward });
  const r = results[0];
  if (results.length !== 1 || !r || r.text.trim().length !== t.length || r.end) return null;
  const c = r.start;
  const time = { hour: c.get('hour') ?? 0, minute: c.get('minute') ?? 0 };
  const timeGiven = c.isCertain('hour');
  const bareWeekday = WEEKDAY_FIRST.test(t) && !c.isCertain('day');
  if (bareWeekday) {
    // A bare weekday counts from the anchor, never landing on it: `friday` on a Friday is a week away.
    const target = c.get('weekday') === 0 ? 7 : c.get('weekday')!;
    const step = direction === 'future' ? (target - anchor.weekday + 7) % 7 || 7 : -((anchor.weekday - target + 7) % 7 || 7);
    return { at: anchor.plus({ days: step }).set(time), timeGiven };
  }
  const at =
    c.isCertain('month') && c.isCertain('day') && !c.isCertain('year')
      ? placeYear(c.get('month')!, c.get('day')!, anchor, direction)
      : DateTime.fromObject({ year: c.get('year')!, month: c.get('month')!, day: c.get('day')! }, { zone: ZONE });
  return at?.isValid ? { at: at.set(timeGiven ? time : { hour: 0, minute: 0 }), timeGiven } : null;
}

/**
 * Reads one typed date (any form of {@link DATE_FORMS}, optionally with a time) at `now`.
 * @returns London wall-clock date and time (midnight when no time was typed), or null when the
 *   text is not exactly one date. Pure.
 */
export function readDate(text: string, now: Date, opts: ReadOptions = {}): ReadDate | null {
  const t = text
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/^(on|by|from) /i, '');
  if (!t) return null;
  const direction = opts.direction ?? 'future';
  const anchor = opts.anchor ?? inLondon(now).startOf('day');
  const n = numeric(t, anchor, direction);
  if (n !== undefined) return n && opts.absolute && !ISO.test(t) && !NUMERIC.exec(t)?.[4] ? null : n;
  if (opts.absolute && !/\b\d{4}\b/.test(t)) return null;
  return duration(t, anchor, direction) ?? words(t, now, anchor, direction);
}

/**
 * Reads a due date (forward). @returns 'YYYY-MM-DD' (London), or a message naming the accepted
 * forms; a date before today is refused unless `allowPast`.
 */
export function parseUkDate(text: string, now: Date, opts: { allowPast?: boolean } = {}): DateParse {
  const p = readDate(text, now);
  if (!p) return { ok: false, message: `"${text.trim().slice(0, 40)}" is not a date I can read; write ${DATE_FORMS}` };
  const date = p.at.toISODate()!;
  if (!opts.allowPast && date < londonDate(now)) return { ok: false, message: `${p.at.toFormat(FORMATS.day)} is in the past` };
  return { ok: true, date };
}

/**
 * Reads a meeting date and time (`12/1 10:00`, `friday 2pm`, `2027-01-12 14:30`); no time means
 * 10:00. @returns the instant, or a message; a time already passed is refused.
 */
export function parseUkDateTime(text: string, now: Date): DateTimeParse {
  const p = readDate(text, now);
  if (!p)
    return {
      ok: false,
      message: `"${text.trim().slice(0, 40)}" is not a date and time I can read; write e.g. \`12/1 10:00\`, \`friday 14:00\` or \`2027-01-12 10:00\``,
    };
  const at = p.timeGiven ? p.at : p.at.set({ hour: 10, minute: 0 });
  if (at.toJSDate() <= now) return { ok: false, message: `${at.toFormat(FORMATS.dateTimeNoZone)} has already passed` };
  return { ok: true, at: at.toJSDate(), timeGiven: p.timeGiven };
}

/** Reads a date in a plan file: one that names its year (`2026-12-01`, `1/12/2026`, `1/12/26`, `1 Dec 2026`). Null otherwise. */
export function parsePlanDate(text: string): string | null {
  const p = readDate(text, new Date(0), { absolute: true });
  return p && !p.timeGiven ? p.at.toISODate() : null;
}

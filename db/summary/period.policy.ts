import { DateTime, type DurationLikeObject } from 'luxon';
import { FORMATS, inLondon } from '../time/london-time.js';
import { ValidationError } from '../errors.js';
import { readDate } from '../time/date-grammar.js';

/** Named periods a user may ask for (issue 5), or an explicit date range. */
export type PeriodKind =
  | 'this_week'
  | 'last_week'
  | 'this_month'
  | 'last_month'
  | 'this_quarter'
  | 'last_quarter'
  | 'year_to_date'
  | 'financial_year_to_date'
  | 'range'
  /** Whole calendar months (scrutiny packs: scrutiny.period.ts). */
  | 'months';

/** The named periods (not a date range or a run of months). */
type Named = Exclude<PeriodKind, 'range' | 'months'>;

/** A half-open span of time [start, end) with how users read it. */
export interface Span {
  start: Date;
  end: Date;
  label: string;
}

/**
 * A reporting period in Europe/London. `end` is exclusive and never after `now` (a period still
 * running is "to date"); `previous` is the equal period before it, cut to the same elapsed time
 * when the current one is still running (1–20 Nov is compared with 1–20 Oct).
 */
export interface Period extends Span {
  kind: PeriodKind;
  /** The period has not ended yet: figures run to `now`. */
  toDate: boolean;
  previous: Span;
}

/** Accepted period phrases, for help and error messages. */
export const PERIOD_USAGE =
  '`this week`, `last week`, `this month`, `last month`, `this quarter`, `last quarter`, `year to date`, `financial year to date`, or a range such as `1/10/2026 to 31/10/2026`';

const PHRASES: Record<string, PeriodKind> = {
  'this week': 'this_week',
  week: 'this_week',
  'last week': 'last_week',
  'previous week': 'last_week',
  'this month': 'this_month',
  month: 'this_month',
  'last month': 'last_month',
  'previous month': 'last_month',
  'this quarter': 'this_quarter',
  quarter: 'this_quarter',
  'last quarter': 'last_quarter',
  'previous quarter': 'last_quarter',
  'year to date': 'year_to_date',
  ytd: 'year_to_date',
  'this year': 'year_to_date',
  'financial year to date': 'financial_year_to_date',
  fytd: 'financial_year_to_date',
};

/** Longest date range accepted (days): bounds the cost of one summary. */
export const MAX_RANGE_DAYS = 3 * 366;

const local = inLondon;
const min = (a: DateTime, b: DateTime) => (a < b ? a : b);

/** "1 Oct 2026" style, or "1–20 Oct 2026" for a span; `end` is exclusive. */
export function spanLabel(start: Date, end: Date): string {
  const s = local(start);
  const e = local(new Date(end.getTime() - 1));
  if (s.hasSame(e, 'day')) return s.toFormat(FORMATS.shortDay);
  if (s.hasSame(e, 'month')) return `${s.toFormat('d')}–${e.toFormat(FORMATS.shortDay)}`;
  if (s.hasSame(e, 'year')) return `${s.toFormat('d LLL')} – ${e.toFormat(FORMATS.shortDay)}`;
  return `${s.toFormat(FORMATS.shortDay)} – ${e.toFormat(FORMATS.shortDay)}`;
}

/**
 * The two days of a range, read by the one date grammar: the start backward from today (`1/10`
 * is the last 1 October, `friday` last Friday, `3 weeks` three weeks ago), the end forward
 * from the start (`1/11 to 30/11` is one November).
 */
function rangeDays(fromText: string, toText: string, now: DateTime): [DateTime | null, DateTime | null] {
  const from = readDate(fromText, now.toJSDate(), { direction: 'past' })?.at.startOf('day') ?? null;
  const to = from ? (readDate(toText, now.toJSDate(), { direction: 'future', anchor: from })?.at.startOf('day') ?? null) : null;
  return [from, to];
}

/** Start of the calendar unit, and the unit's length, for a named period. */
function namedStart(kind: Named, now: DateTime): { start: DateTime; length: DurationLikeObject } {
  switch (kind) {
    case 'this_week':
      return { start: now.startOf('week'), length: { weeks: 1 } };
    case 'last_week':
      return { start: now.startOf('week').minus({ weeks: 1 }), length: { weeks: 1 } };
    case 'this_month':
      return { start: now.startOf('month'), length: { months: 1 } };
    case 'last_month':
      return { start: now.startOf('month').minus({ months: 1 }), length: { months: 1 } };
    case 'this_quarter':
      return { start: now.startOf('quarter'), length: { months: 3 } };
    case 'last_quarter':
      return { start: now.startOf('quarter').minus({ months: 3 }), length: { months: 3 } };
    case 'year_to_date':
      return { start: now.startOf('year'), length: { years: 1 } };
    case 'financial_year_to_date': {
      const april = now.set({ month: 4, day: 1 }).startOf('day');
      return { start: now < april ? april.minus({ years: 1 }) : april, length: { years: 1 } };
    }
  }
}

function namedLabel(kind: Named, start: DateTime, end: DateTime, toDate: boolean): string {
  const span = spanLabel(start.toJSDate(), end.toJSDate());
  const suffix = toDate ? `${span}, to date` : span;
  const names: Record<typeof kind, string> = {
    this_week: 'This week',
    last_week: 'Last week',
    this_month: `This month (${start.toFormat(FORMATS.month)})`,
    last_month: `Last month (${start.toFormat(FORMATS.month)})`,
    this_quarter: `This quarter (Q${start.quarter} ${start.year})`,
    last_quarter: `Last quarter (Q${start.quarter} ${start.year})`,
    year_to_date: `Year to date (${start.year})`,
    financial_year_to_date: `Financial year to date (${start.year}/${String(start.year + 1).slice(2)})`,
  };
  return `${names[kind]} · ${suffix}`;
}

function named(kind: Named, now: DateTime): Period {
  const { start, length } = namedStart(kind, now);
  const naturalEnd = start.plus(length);
  const end = min(naturalEnd, now);
  const toDate = naturalEnd > now;
  const prevStart = start.minus(length);
  // Same elapsed calendar time (months, days, hours) into the previous period.
  const elapsed = end.diff(start, ['months', 'days', 'hours', 'minutes', 'seconds', 'milliseconds']);
  const prevEnd = min(prevStart.plus(elapsed), start);
  return {
    kind,
    start: start.toJSDate(),
    end: end.toJSDate(),
    toDate,
    label: namedLabel(kind, start, end, toDate),
    previous: { start: prevStart.toJSDate(), end: prevEnd.toJSDate(), label: spanLabel(prevStart.toJSDate(), prevEnd.toJSDate()) },
  };
}

function range(text: string, now: DateTime): Period {
  const parts = text.replace(/^(from|between)\s+/i, '').split(/\s+(?:to|until|and|-|–)\s+/i);
  const usage = `Use ${PERIOD_USAGE}.`;
  if (parts.length !== 2)
    throw new ValidationError(`"${text.slice(0, 60)}" is not a period I know. ${usage}`, [{ path: 'period', message: 'not a period' }]);
  const [from, to] = rangeDays(parts[0]!, parts[1]!, now);
  if (!from || !to)
    throw new ValidationError(`I could not read the dates in "${text.slice(0, 60)}". ${usage}`, [
      { path: 'period', message: 'not a date range' },
    ]);
  if (to < from) throw new ValidationError('The range ends before it starts.', [{ path: 'period', message: 'end before start' }]);
  if (from > now) throw new ValidationError('The range starts in the future.', [{ path: 'period', message: 'starts in the future' }]);
  const days = Math.round(to.diff(from, 'days').days) + 1;
  if (days > MAX_RANGE_DAYS)
    throw new ValidationError(`A range is at most ${MAX_RANGE_DAYS} days.`, [{ path: 'period', message: 'range too long' }]);
  const naturalEnd = to.plus({ days: 1 });
  const end = min(naturalEnd, now);
  const prevStart = from.minus({ days });
  const prevEnd = min(prevStart.plus(end.diff(from, ['days', 'hours', 'minutes', 'seconds', 'milliseconds'])), from);
  const toDate = naturalEnd > now;
  return {
    kind: 'range',
    start: from.toJSDate(),
    end: end.toJSDate(),
    toDate,
    label: spanLabel(from.toJSDate(), end.toJSDate()) + (toDate ? ', to date' : ''),
    previous: { start: prevStart.toJSDate(), end: prevEnd.toJSDate(), label: spanLabel(prevStart.toJSDate(), prevEnd.toJSDate()) },
  };
}

/**
 * Reads a period phrase (case-insensitive; empty gives `fallback`) at `now`, with period edges
 * at midnight Europe/London (so BST changes move them in UTC). Weeks start on Monday; quarters
 * are calendar quarters; the financial year starts on 1 April.
 * @throws ValidationError when the phrase is neither a known period nor a valid date range
 */
export function parsePeriod(text: string | null | undefined, now: Date, fallback: Named = 'this_month'): Period {
  const t = (text ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  const at = local(now);
  if (!t) return named(fallback, at);
  const kind = PHRASES[t];
  return kind && kind !== 'range' && kind !== 'months' ? named(kind, at) : range(t, at);
}

/**
 * The 12 calendar months (Europe/London) ending with the month that holds the period's last
 * moment, for the strand chart: `months` as `YYYY-MM` and `ranges` as [start, end) instants
 * (the last one cut at the period's end).
 */
export function chartMonths(period: Pick<Period, 'end'>): { months: string[]; ranges: { start: Date; end: Date }[] } {
  const last = local(new Date(period.end.getTime() - 1)).startOf('month');
  const first = last.minus({ months: 11 });
  const starts = Array.from({ length: 12 }, (_, i) => first.plus({ months: i }));
  return {
    months: starts.map((m) => m.toFormat('yyyy-MM')),
    ranges: starts.map((m) => ({ start: m.toJSDate(), end: min(m.plus({ months: 1 }), local(period.end)).toJSDate() })),
  };
}

/** Start of the repeat window: `months` before the period's end (docs/domain.md "Repeat victimisation"). */
export function repeatWindowStart(period: Pick<Period, 'end'>, months: number): Date {
  return local(period.end).minus({ months }).toJSDate();
}

/** ISO week key of a moment in Europe/London, e.g. `2026-W47` (dedupe keys of weekly summaries). */
export function isoWeekKey(at: Date): string {
  const d = local(at);
  return `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;
}

/** Month key `YYYY-MM` of a moment in Europe/London. */
export function monthKey(at: Date): string {
  return local(at).toFormat('yyyy-MM');
}

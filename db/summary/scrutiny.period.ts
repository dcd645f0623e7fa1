import { DateTime } from 'luxon';
import { ValidationError } from '../errors.js';
import { FORMATS, inLondon, ZONE } from '../time/london-time.js';
import { parsePeriod, spanLabel, type Period } from './period.policy.js';

/** Longest scrutiny period, in months (as summaries' longest range, about three years). */
const MAX_MONTHS = 36;

/** The period forms a scrutiny pack accepts (whole calendar months only), for answers and help. */
export const SCRUTINY_PERIOD_USAGE =
  '`last month`, `last quarter`, `last 3 months` (up to 36), a month such as `October 2026`, or months such as `July 2026 to September 2026`';

const refuse = (text: string, why: string): never => {
  throw new ValidationError(`${why} Scrutiny packs cover whole calendar months only.`, [
    { path: 'period', message: text ? 'not whole calendar months' : 'missing' },
  ]);
};

function month(text: string): DateTime | null {
  for (const f of ['LLLL yyyy', 'LLL yyyy', 'yyyy-MM', 'M/yyyy']) {
    const d = DateTime.fromFormat(text.trim(), f, { zone: ZONE, locale: 'en-GB' });
    if (d.isValid) return d.startOf('month');
  }
  return null;
}

function monthsPeriod(first: DateTime, count: number, label: string): Period {
  const end = first.plus({ months: count });
  const prevStart = first.minus({ months: count });
  return {
    kind: 'months',
    start: first.toJSDate(),
    end: end.toJSDate(),
    toDate: false,
    label: `${label} · ${spanLabel(first.toJSDate(), end.toJSDate())}`,
    previous: { start: prevStart.toJSDate(), end: first.toJSDate(), label: spanLabel(prevStart.toJSDate(), first.toJSDate()) },
  };
}

/**
 * Reads the period of a scrutiny pack (issue 9 item 9): whole calendar months (Europe/London)
 * that have ended, so a pack cannot be cut down to a day, a week or a single case. Empty gives
 * last quarter. Accepted: `last month`, `last quarter`, `last N months` (1 to 36), `October
 * 2026` (or `Oct 2026`, `2026-10`), and `July 2026 to September 2026`.
 * @throws ValidationError naming the accepted forms for anything else (days, weeks, date
 *   ranges, a month not yet ended, more than 36 months)
 */
export function parseScrutinyPeriod(text: string | null | undefined, now: Date): Period {
  const t = (text ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  if (!t || t === 'last quarter' || t === 'previous quarter') return parsePeriod('last quarter', now);
  if (t === 'last month' || t === 'previous month') return parsePeriod('last month', now);
  const thisMonth = inLondon(now).startOf('month');
  const last = /^(?:last|previous|past) (\d{1,3}) months?$/.exec(t);
  if (last) {
    const n = Number(last[1]);
    if (n < 1 || n > MAX_MONTHS) refuse(t, `A pack covers 1 to ${MAX_MONTHS} months.`);
    return monthsPeriod(thisMonth.minus({ months: n }), n, `Last ${n} month${n === 1 ? '' : 's'}`);
  }
  const parts = t.split(/\s+(?:to|until|-|–)\s+/);
  const from = parts.length <= 2 ? month(parts[0]!) : null;
  const to = parts.length === 2 ? month(parts[1]!) : from;
  if (!from || !to) return refuse(t, `"${t.slice(0, 60)}" is not a period of whole months.`);
  if (to < from) refuse(t, 'The months end before they start.');
  if (to >= thisMonth) refuse(t, `${to.toFormat(FORMATS.month)} has not ended yet.`);
  const count = Math.round(to.diff(from, 'months').months) + 1;
  if (count > MAX_MONTHS) refuse(t, `A pack covers 1 to ${MAX_MONTHS} months.`);
  return monthsPeriod(
    from,
    count,
    count === 1 ? from.toFormat(FORMATS.month) : `${from.toFormat(FORMATS.month)} to ${to.toFormat(FORMATS.month)}`,
  );
}

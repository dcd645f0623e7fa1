import { describe, expect, it } from 'vitest';
import { parsePlanDate, parseUkDate, parseUkDateTime, readDate } from '../../db/time/date-grammar.js';
import { parsePeriod } from '../../db/summary/period.policy.js';
import { londonDate, ukDateTime } from '../../db/time/london-time.js';

/** The forms: every place a person types a date accepts each of them. */
const FORMS = ['12/1', '12/1/2027', '1 Dec 2026', '2026-12-01', 'friday', 'tomorrow', '3 weeks'] as const;

const due = (t: string, now: Date) => {
  const r = parseUkDate(t, now);
  return r.ok ? r.date : `refused: ${r.message}`;
};
const meeting = (t: string, now: Date) => {
  const r = parseUkDateTime(t, now);
  return r.ok ? r.at.toISOString() : `refused: ${r.message}`;
};
const back = (t: string, now: Date) => readDate(t, now, { direction: 'past' })?.at.toISODate() ?? null;

describe('one date grammar, in GMT (Friday 20 November 2026, 10:00 GMT)', () => {
  const now = new Date('2026-11-20T10:00:00Z');
  it('due dates: every form, day first, forward from today', () => {
    expect(FORMS.map((f) => due(f, now))).toEqual([
      '2027-01-12',
      '2027-01-12',
      '2026-12-01',
      '2026-12-01',
      '2026-11-27',
      '2026-11-21',
      '2026-12-11',
    ]);
  });
  it('meeting dates: every form, 10:00 London when no time is given, GMT in winter', () => {
    expect(FORMS.map((f) => meeting(f, now))).toEqual([
      '2027-01-12T10:00:00.000Z',
      '2027-01-12T10:00:00.000Z',
      '2026-12-01T10:00:00.000Z',
      '2026-12-01T10:00:00.000Z',
      '2026-11-27T10:00:00.000Z',
      '2026-11-21T10:00:00.000Z',
      '2026-12-11T10:00:00.000Z',
    ]);
    expect(meeting('1 Dec 2026 14:30', now)).toBe('2026-12-01T14:30:00.000Z');
    expect(meeting('2026-12-01 9am', now)).toBe('2026-12-01T09:00:00.000Z');
  });
  it('a summary range reads its start backward: the last 12 January, last Friday, three weeks ago', () => {
    expect(FORMS.map((f) => back(f, now))).toEqual([
      '2026-01-12',
      '2027-01-12',
      '2026-12-01',
      '2026-12-01',
      '2026-11-13',
      '2026-11-21',
      '2026-10-30',
    ]);
    expect(back('3 weeks ago', now)).toBe('2026-10-30');
    expect(back('yesterday', now)).toBe('2026-11-19');
  });
  it('summary ranges take the same forms: "1 Dec 2025 to 12/1/2026", "1/11 to 30/11" (this November, to date)', () => {
    const a = parsePeriod('1 Dec 2025 to 12/1/2026', now);
    expect([a.start.toISOString(), a.end.toISOString()]).toEqual(['2025-12-01T00:00:00.000Z', '2026-01-13T00:00:00.000Z']);
    const b = parsePeriod('1/11 to 30/11', now);
    expect([b.start.toISOString(), b.end.toISOString(), b.toDate]).toEqual(['2026-11-01T00:00:00.000Z', now.toISOString(), true]);
    const c = parsePeriod('from monday to friday', now);
    expect([c.start.toISOString(), c.end.toISOString()]).toEqual(['2026-11-16T00:00:00.000Z', now.toISOString()]);
    expect(() => parsePeriod('31/2 to 1/3', now)).toThrow(/could not read the dates/);
  });
  it('plan files take dates that name their year, and nothing relative to the day of the import', () => {
    expect(['2026-12-01', '1/12/2026', '1/12/26', '1 Dec 2026', '1st December 2026'].map(parsePlanDate)).toEqual(
      Array(5).fill('2026-12-01'),
    );
    expect(['tomorrow', 'friday', '3 weeks', '1/12', '1 Dec', '2026-12-01 10:00', '31/2/2026'].map(parsePlanDate)).toEqual(
      Array(7).fill(null),
    );
  });
  it('what is not one date is refused with the forms to write', () => {
    for (const bad of ['31/2', '29/2', '12/13', '1 Smarch 2026', 'soon', '12/1 - 14/1', '12/1 25:00'])
      expect(due(bad, now), bad).toMatch(/refused: .*`1 Dec 2026`/);
  });
});

describe('one date grammar, in BST (Friday 19 June 2026, 11:00 BST)', () => {
  const now = new Date('2026-06-19T10:00:00Z');
  it('due dates: every form', () => {
    expect(FORMS.map((f) => due(f, now))).toEqual([
      '2027-01-12',
      '2027-01-12',
      '2026-12-01',
      '2026-12-01',
      '2026-06-26',
      '2026-06-20',
      '2026-07-10',
    ]);
  });
  it('meeting dates: a summer day at 10:00 BST is 09:00 UTC; a winter one stays 10:00', () => {
    expect(FORMS.map((f) => meeting(f, now))).toEqual([
      '2027-01-12T10:00:00.000Z',
      '2027-01-12T10:00:00.000Z',
      '2026-12-01T10:00:00.000Z',
      '2026-12-01T10:00:00.000Z',
      '2026-06-26T09:00:00.000Z',
      '2026-06-20T09:00:00.000Z',
      '2026-07-10T09:00:00.000Z',
    ]);
    expect(meeting('friday 2pm', now)).toBe('2026-06-26T13:00:00.000Z');
  });
  it('a range of summer days starts at London midnight, 23:00 UTC the day before', () => {
    const p = parsePeriod('1/6 to 7/6', now);
    expect([p.start.toISOString(), p.end.toISOString()]).toEqual(['2026-05-31T23:00:00.000Z', '2026-06-07T23:00:00.000Z']);
  });
});

describe('at London midnight', () => {
  it('00:30 BST on Saturday (23:30 UTC Friday) is Saturday: today, tomorrow and friday count from it', () => {
    const now = new Date('2026-06-19T23:30:00Z');
    expect(londonDate(now)).toBe('2026-06-20');
    expect(['today', 'tomorrow', 'friday', '20/6', '19/6', '3 weeks'].map((f) => due(f, now))).toEqual([
      '2026-06-20',
      '2026-06-21',
      '2026-06-26',
      '2026-06-20',
      '2027-06-19',
      '2026-07-11',
    ]);
    expect(meeting('tomorrow 00:15', now)).toBe('2026-06-20T23:15:00.000Z');
  });
  it('23:59 BST on Friday is still Friday: `friday` is a week away and yesterday is Thursday', () => {
    const now = new Date('2026-06-19T22:59:00Z');
    expect(['today', 'tomorrow', 'friday', '19/6'].map((f) => due(f, now))).toEqual([
      '2026-06-19',
      '2026-06-20',
      '2026-06-26',
      '2026-06-19',
    ]);
    expect(due('yesterday', now)).toMatch(/refused: Thu 18 Jun 2026 is in the past/);
  });
  it('in GMT, midnight UTC is midnight London: 23:59 is Friday, 00:00 is Saturday', () => {
    expect(due('tomorrow', new Date('2026-11-20T23:59:00Z'))).toBe('2026-11-21');
    expect(due('tomorrow', new Date('2026-11-21T00:00:00Z'))).toBe('2026-11-22');
    expect(due('friday', new Date('2026-11-21T00:00:00Z'))).toBe('2026-11-27');
    expect(due('20/11', new Date('2026-11-21T00:00:00Z'))).toBe('2027-11-20');
  });
  it('across the clocks going back (Sunday 25 October 2026): 00:30 BST is Sunday; the next day at 10:00 is GMT', () => {
    const now = new Date('2026-10-24T23:30:00Z');
    expect(due('tomorrow', now)).toBe('2026-10-26');
    expect(due('3 weeks', now)).toBe('2026-11-15');
    expect(meeting('tomorrow 10:00', now)).toBe('2026-10-26T10:00:00.000Z');
    expect(meeting('today 10:00', now)).toBe('2026-10-25T10:00:00.000Z');
    expect(ukDateTime(new Date('2026-10-25T00:30:00Z'))).toBe('Sun 25 Oct 2026, 01:30 BST');
    expect(ukDateTime(new Date('2026-10-25T01:30:00Z'))).toBe('Sun 25 Oct 2026, 01:30 GMT');
  });
});

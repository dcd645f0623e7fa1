import { describe, expect, it } from 'vitest';
import { parseActionCommand } from '../../bot/teams/actions/actions.commands.js';
import { normaliseRef, parsePillar, parseStatus } from '../../db/actions/actions.model.js';
import { parsePlanDate, parseUkDate, parseUkDateTime } from '../../db/time/date-grammar.js';
import { malformedCorpus } from './helpers.js';

// Friday 20 November 2026, 10:00 GMT.
const now = new Date('2026-11-20T10:00:00Z');
const date = (t: string, at = now) => {
  const r = parseUkDate(t, at);
  return r.ok ? r.date : `refused: ${r.message}`;
};

describe('dates read the UK way (Europe/London)', () => {
  it('day first, the next such date not in the past', () => {
    expect(date('12/1')).toBe('2027-01-12');
    expect(date('1/12')).toBe('2026-12-01');
    expect(date('20/11')).toBe('2026-11-20'); // today is not in the past
    expect(date('19/11')).toBe('2027-11-19');
    expect(date('12/1/2027')).toBe('2027-01-12');
    expect(date('12 Jan')).toBe('2027-01-12');
    expect(date('2026-12-01')).toBe('2026-12-01');
  });
  it('weekday names are the next such day after today; relative periods count from today', () => {
    expect(date('friday')).toBe('2026-11-27'); // typed on a Friday: a week today
    expect(date('monday')).toBe('2026-11-23');
    expect(date('today')).toBe('2026-11-20');
    expect(date('tomorrow')).toBe('2026-11-21');
    expect(date('3 weeks')).toBe('2026-12-11');
    expect(date('in 3 weeks')).toBe('2026-12-11');
    expect(date('2 days')).toBe('2026-11-22');
  });
  it('late on a London evening in summer time, "tomorrow" is the London tomorrow', () => {
    expect(date('tomorrow', new Date('2026-06-19T23:30:00Z'))).toBe('2026-06-21');
  });
  it('impossible, ambiguous and past dates are refused with the accepted forms', () => {
    for (const bad of ['31/2', '12/13', '29/2', 'banana', '12', '', '12/1 - 14/1'])
      expect(date(bad)).toMatch(/refused: .*(12\/1|is in the past)/);
    expect(date('1/1/2020')).toBe('refused: Wed 1 Jan 2020 is in the past');
    expect(date('last friday')).toMatch(/refused: .* is in the past/);
  });
  it('meeting times: a time is kept, none means 10:00, passed times are refused', () => {
    const t = (s: string) => {
      const r = parseUkDateTime(s, now);
      return r.ok ? r.at.toISOString() : 'refused';
    };
    expect(t('27/11 14:30')).toBe('2026-11-27T14:30:00.000Z');
    expect(t('friday 2pm')).toBe('2026-11-27T14:00:00.000Z');
    expect(t('12/6/2027 10:00')).toBe('2027-06-12T09:00:00.000Z'); // BST
    expect(t('27/11')).toBe('2026-11-27T10:00:00.000Z');
    expect(t('today 09:00')).toBe('refused');
  });
  it('plan files take ISO or UK numeric dates', () => {
    expect(parsePlanDate('2026-12-01')).toBe('2026-12-01');
    expect(parsePlanDate('22/6/18')).toBe('2018-06-22');
    expect(parsePlanDate('31/02/2026')).toBeNull();
  });
});

describe('plan vocabulary', () => {
  it('refs, statuses and pillars as plans write them', () => {
    expect(normaliseRef('1.1a')).toBe('1.1 a');
    expect(normaliseRef(' 3.3   E ')).toBe('3.3 e');
    expect(normaliseRef('A12')).toBe('A12');
    expect(normaliseRef('<script>')).toBeNull();
    expect(parseStatus('In Progress')).toBe('in_progress');
    expect(parseStatus('BAU')).toBe('bau');
    expect(parseStatus('Not started')).toBe('not_started');
    expect(parseStatus('maybe')).toBeNull();
    expect(parsePillar('Supporting victims')).toBe('supporting_victims');
    expect(parsePillar('victims')).toBe('supporting_victims');
    expect(parsePillar('Improve the quality of our investigations')).toBe('investigation_quality');
  });
});

describe('command parsing', () => {
  const p = (t: string) => parseActionCommand(t, now);
  it('assign: the holder follows the last "to"; options in any order', () => {
    expect(p('assign Write to schools to <at>Megan Bowen</at> due 12/1 pillar prevention ref 3.3h')).toEqual({
      name: 'assign',
      text: 'Write to schools',
      person: { kind: 'mention', name: 'Megan Bowen' },
      pillar: 'prevention',
      due: '2027-01-12',
      ref: '3.3 h',
      agency: null,
    });
    expect(p('assign Review due process to Megan Bowen due friday')).toMatchObject({
      text: 'Review due process',
      person: { kind: 'name', name: 'Megan Bowen' },
      due: '2026-11-27',
    });
    expect(p('assign Call the mosque to @Megan due friday')).toMatchObject({
      text: 'Call the mosque',
      person: { kind: 'name', name: 'Megan' },
    });
    expect(p('assign Talk to to me')).toMatchObject({ text: 'Talk to', person: { kind: 'me' } });
    expect(p('assign Remove graffiti to lee.gu@occ.gov.uk agency OCC due 2 days')).toMatchObject({
      person: { kind: 'upn', upn: 'lee.gu@occ.gov.uk' },
      agency: 'OCC',
      due: '2026-11-22',
    });
    expect(p('assign')).toEqual({ name: 'assignForm' });
  });
  it('action and actions', () => {
    expect(p('action 1.1a update Posters up in all community centres\nNext: libraries')).toEqual({
      name: 'change',
      ref: '1.1 a',
      change: { kind: 'update', text: 'Posters up in all community centres\nNext: libraries' },
    });
    expect(p('action 1.1 a status In Progress')).toEqual({
      name: 'change',
      ref: '1.1 a',
      change: { kind: 'status', status: 'in_progress' },
    });
    expect(p('action A3 discharge')).toEqual({ name: 'change', ref: 'A3', change: { kind: 'discharge' } });
    expect(p('action A3')).toEqual({ name: 'show', ref: 'A3' });
    expect(p('actions overdue')).toEqual({ name: 'list', filter: { kind: 'overdue' } });
    expect(p('actions pillar victims')).toEqual({ name: 'list', filter: { kind: 'pillar', pillar: 'supporting_victims' } });
    expect(p('actions owner <at>Megan</at>')).toEqual({ name: 'list', filter: { kind: 'owner', owner: 'Megan' } });
  });
  it('meetings', () => {
    expect(p('meeting schedule tactical 27/11 10:00')).toMatchObject({
      name: 'schedule',
      kind: 'tactical',
      recurrence: null,
      timeGiven: true,
    });
    expect(p('meeting schedule case management friday 2pm once')).toMatchObject({
      name: 'schedule',
      kind: 'case-management',
      recurrence: 'once',
    });
    expect(p('meeting pack strategic')).toEqual({ name: 'pack', kind: 'strategic' });
  });
  it('each malformed form names its problem and the right form', () => {
    const cases: [string, RegExp][] = [
      ['assign stuff', /say who holds the action/],
      ['assign Stuff to me pillar nonsense', /"nonsense" is not a pillar; use one of prevention/],
      ['assign Stuff to me due banana', /the due date: "banana" is not a date I can read/],
      ['assign Stuff to me due 1/1/2020', /in the past/],
      ['assign Stuff to me due 1/1 due 2/1', /due is given twice/],
      ['assign Stuff to bad@', /"bad@" is not a user principal name/],
      ['action A1 status discharged', /discharging is for the tactical lead/],
      ['action A1 status maybe', /"maybe" is not a status/],
      ['action A1 update', /write the update/],
      ['actions sideways', /I don't know "actions sideways"/],
      ['meeting schedule tactical yesterday', /has already passed/],
      ['meeting schedule party 1/12', /which meeting\?/],
      ['meeting pack scrutiny', /packs are for `tactical` or `strategic`/],
    ];
    for (const [text, problem] of cases) {
      const c = p(text);
      expect(c.name, text).toBe('invalid');
      if (c.name === 'invalid') {
        expect(c.problem, text).toMatch(problem);
        expect(c.usage, text).toMatch(/`(assign|action|actions|meeting) /);
      }
    }
  });
});

describe('a generated corpus of malformed commands', () => {
  it('never throws; anything not understood gets the problem and the right form', () => {
    for (const text of malformedCorpus(3000)) {
      const c = parseActionCommand(text, now);
      if (c.name === 'invalid') {
        expect(c.problem.length, text).toBeGreaterThan(5);
        expect(c.usage, text).toMatch(/`/);
      }
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeConnector, type ConnectorCall } from '../helpers/fake-connector.js';
import { bootHarness, people, type Harness } from '../helpers/harness.js';
import { knownUser, say } from '../helpers/teams.js';
import { parseScrutinyPeriod } from '../../db/summary/scrutiny.period.js';
import { ValidationError } from '../../db/errors.js';
import { addOccurrence } from './helpers.js';

/** Disclosure control of scrutiny packs (issue 9 item 9), through Teams and the CSV link. */
describe('scrutiny pack disclosure control', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootHarness(); // test clock: 20 Nov 2026
  });
  afterAll(async () => h.close());

  async function pack(text: string): Promise<{ card: any; text: string; calls: ConnectorCall[] }> {
    const { status, replies } = await say(h, text, people.coordinator);
    expect(status).toBe(200);
    return {
      card: FakeConnector.card(replies.find((c) => FakeConnector.card(c))),
      text: replies.map((c) => c.body.text ?? '').join('\n'),
      calls: replies,
    };
  }

  const closedIn = (district: string, n: number, o: { recordedAs?: 'crime' | 'nchi'; day?: number } = {}) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        addOccurrence(h.db, {
          strands: ['race'],
          recordedAs: o.recordedAs ?? 'crime',
          district,
          flaggedAt: `2026-10-${String(o.day ?? 2 + (i % 20)).padStart(2, '0')}T10:00:00Z`,
          status: 'closed',
          closedAt: '2026-10-25T10:00:00Z',
          outcome: 'Charge/summons',
        }),
      ),
    );

  it.each([
    ['a single day', 'scrutiny pack 5/10/2026 to 5/10/2026'],
    ['a week', 'scrutiny pack last week'],
    ['an arbitrary date range', 'scrutiny pack 1/10/2026 to 20/10/2026'],
    ['the month still running', 'scrutiny pack this month'],
    ['a month not yet ended', 'scrutiny pack November 2026'],
  ])('refuses %s, giving the accepted forms', async (_what, command) => {
    const r = await pack(command);
    expect(r.card).toBeUndefined();
    expect(r.text).toContain('Scrutiny packs cover whole calendar months only.');
    expect(r.text).toContain('`last month`, `last quarter`, `last 3 months`');
    expect(r.text).toContain('`October 2026`');
  });

  it('refuses a scope with 9 closed occurrences without saying how many, and makes the pack at 10', async () => {
    await closedIn('Wakefield', 9);
    const refused = await pack('scrutiny pack October 2026 district Wakefield');
    expect(refused.card).toBeUndefined();
    expect(refused.text).toContain('Too few occurrences were closed in Wakefield');
    expect(refused.text).toContain('at least 10 are needed');
    expect(refused.text).not.toMatch(/\b9\b/);

    await closedIn('Wakefield', 1);
    const made = await pack('scrutiny pack October 2026 district Wakefield');
    expect(made.card.body[0].text).toBe('Scrutiny pack (anonymised) · Wakefield');
    expect(JSON.stringify(made.card)).toContain('October 2026 · 1–31 Oct 2026');
  });

  it('a count hidden so that a small one (3) cannot be worked out from the total reads "hidden", not "<5", though it is 19', async () => {
    await closedIn('Calderdale', 19, { recordedAs: 'crime' });
    await closedIn('Calderdale', 3, { recordedAs: 'nchi' });
    const { card } = await pack('scrutiny pack October 2026 district Calderdale');
    const facts = (card.body as any[]).flatMap(function walk(b: any): any[] {
      return [...(b.facts ?? []), ...(b.items ?? []).flatMap(walk)];
    });
    expect(facts).toContainEqual({ title: 'All (distinct)', value: '22 (previous 0, +22)' });
    expect(facts).toContainEqual({ title: 'Non-crime hate incidents', value: '<5 (previous 0)' });
    expect(facts).toContainEqual({ title: 'Crimes', value: 'hidden (previous 0)' });
    expect(card.body[2].text).toContain('Counts below 5 show as <5 (fewer than 5, hidden to protect identities)');
    // Each section with a suppressed figure says why, right under it.
    const occurrences = (card.body as any[]).find((b) => b.items?.[0]?.text === 'Occurrences');
    expect(occurrences.items.at(-1).text).toBe(
      '<5: fewer than 5, hidden to protect identities. hidden: hidden so the small figure cannot be worked out from the total.',
    );
    const strands = (card.body as any[]).find((b) => b.items?.[0]?.text === 'By strand');
    expect(JSON.stringify(strands)).not.toContain('hidden to protect identities'); // nothing suppressed there

    const url = (card.actions as { type: string; url: string }[]).find((a) => a.type === 'Action.OpenUrl')!.url;
    const csv = await (await fetch(`${h.bot.url}${new URL(url).pathname}`)).text();
    expect(csv).toContain('\r\ntype,Crimes,hidden,0\r\n');
    expect(csv).toContain('\r\ntype,Non-crime hate incidents,<5,0\r\n');
    expect(csv).toContain(
      'counts below 5 are shown as <5; ""hidden"" marks a count hidden so that a small number cannot be worked out from a total',
    );
  });

  // Last: a roster user ends local mode's "everyone is a coordinator" for the tests after it.
  it('a partner\'s summary reads the same way: the 19 beside a 3 is "hidden"', async () => {
    const partner = { id: '29:partner', aadObjectId: 'aad-partner', name: 'Pat Partner', upn: 'pat@council.gov.uk' };
    await knownUser(h, partner, { roles: ['partner'], districts: ['Calderdale'], onRoster: true });
    const { replies } = await say(h, 'summary last month', partner);
    const json = JSON.stringify(FakeConnector.card(replies.find((c) => FakeConnector.card(c))));
    expect(json).toContain('{"title":"Crimes","value":"hidden (previous 0)"}');
    expect(json).toContain('{"title":"Non-crime hate incidents","value":"<5 (previous 0)"}');
    expect(json).toContain(
      '<5: fewer than 5, hidden to protect identities. hidden: hidden so the small figure cannot be worked out from the total.',
    );
    expect(json).toContain(
      '"text":"Police-only sections (reviews and who owns them, named overdue actions) are not shown to partners: they are case work, not aggregates."',
    );
  });
});

describe('scrutiny periods (whole calendar months, Europe/London)', () => {
  const NOW = new Date('2026-11-20T10:00:00Z');
  it('reads the accepted forms as whole months, compared with as many months before', () => {
    const oct = parseScrutinyPeriod('October 2026', NOW);
    expect([oct.start.toISOString(), oct.end.toISOString(), oct.previous.start.toISOString()]).toEqual([
      '2026-09-30T23:00:00.000Z',
      '2026-11-01T00:00:00.000Z',
      '2026-08-31T23:00:00.000Z',
    ]);
    const last3 = parseScrutinyPeriod('last 3 months', NOW);
    expect([last3.start.toISOString(), last3.end.toISOString()]).toEqual(['2026-07-31T23:00:00.000Z', '2026-11-01T00:00:00.000Z']);
    expect(parseScrutinyPeriod('July 2026 to September 2026', NOW).label).toBe('July 2026 to September 2026 · 1 Jul – 30 Sep 2026');
    expect(parseScrutinyPeriod(null, NOW).kind).toBe('last_quarter');
    expect(parseScrutinyPeriod('last month', NOW).kind).toBe('last_month');
    for (const bad of ['today', '1/10/2026', 'last 37 months', 'October 2026 to July 2026', 'year to date'])
      expect(() => parseScrutinyPeriod(bad, NOW)).toThrow(ValidationError);
  });
});

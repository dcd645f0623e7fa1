import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit/audit.service.js';
import { generateOccurrences } from '../../scripts/sample-data.lib.js';
import { FakeConnector, type ConnectorCall } from '../helpers/fake-connector.js';
import { bootHarness, executeInvoke, people, personal, type Harness } from '../helpers/harness.js';
import { knownUser, say } from '../helpers/teams.js';
import { TEAMS_CARD_LIMIT } from '../../cards/format.js';

const NOW = new Date('2026-11-20T10:00:00Z');
const chat = personal(people.coordinator);

/** Sends a command in the sender's personal chat, checks it was accepted and returns what the bot posted in reply. */
async function ask(h: Harness, text: string, from = people.coordinator) {
  const { status, replies } = await say(h, text, from);
  expect(status).toBe(200);
  return replies;
}

const cardOf = (calls: ConnectorCall[]) => FakeConnector.card(calls.find((c) => FakeConnector.card(c)));
const textOf = (calls: ConnectorCall[]) => calls.map((c) => c.body.text ?? '').join('\n');
const images = (card: any): any[] => JSON.stringify(card).match(/"type":"Image","url":"[^"]+"/g) ?? [];

describe('summary command in Teams (sample data)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootHarness();
    const sample = generateOccurrences({ count: 400, seed: 7, now: NOW });
    const res = await h.ingest({ occurrences: sample });
    expect(res.status).toBe(201);
  });
  afterAll(async () => h.close());

  it('`summary` gives a readable card with a chart image, under the Teams card size limit, and is audited', async () => {
    const card = cardOf(await ask(h, 'summary'));
    expect(card).toBeDefined();
    const json = JSON.stringify(card);
    expect(card!.body[0].text).toBe('Hate crime summary · All districts'); // local mode: everyone is a force-level coordinator
    expect(json).toContain('This month (November 2026)');
    for (const heading of [
      'Needs attention',
      'By strand',
      'By source',
      'By district',
      'Risk (latest grade',
      'Repeats (counts only)',
      'Review compliance',
      'Overdue reviews now',
      'Delivery plan',
      'Outcomes of occurrences',
    ]) {
      expect(json).toContain(heading);
    }
    expect(json).toContain('counts under each');
    const [img] = images(card);
    expect(img).toMatch(/data:image\/png;base64,/);
    expect(json.length).toBeLessThanOrEqual(TEAMS_CARD_LIMIT);
    expect(card!.actions.map((a: any) => a.title)).toEqual(['This month', 'Last month', 'Last quarter', 'Year to date']);
    const audit = await listAudit(h.db, 'summary', 'force');
    expect(audit.at(-1)).toMatchObject({ action: 'summary.disclosed', details: { reason: 'summary command', destination: chat.id } });
  });

  it('`summary last quarter district <name>` narrows the period and the district', async () => {
    const card = cardOf(await ask(h, 'summary last quarter district Leeds'));
    expect(card!.body[0].text).toBe('Hate crime summary · Leeds');
    expect(card!.body[1].text).toContain('Last quarter (Q3 2026) · 1 Jul – 30 Sep 2026, compared with 1 Apr – 30 Jun 2026');
    expect(JSON.stringify(card).length).toBeLessThanOrEqual(TEAMS_CARD_LIMIT);
  });

  it('a period it cannot read is answered with the usage', async () => {
    const reply = textOf(await ask(h, 'summary next decade'));
    expect(reply).toContain('is not a period I know');
    expect(reply).toContain('summary [period] [district NAME]');
  });

  it('the period buttons replace the card with the same summary for another period', async () => {
    const res = await h.send(executeInvoke('summary.show', { period: 'last month', district: '' }, 'act-1', people.coordinator, chat));
    expect(res.body.statusCode).toBe(200);
    expect(JSON.stringify(res.body.value)).toContain('Last month (October 2026)');
  });

  it('help lists the commands', async () => {
    const reply = textOf(await ask(h, 'help'));
    expect(reply).toContain('`summary [period] [district NAME]`');
    expect(reply).toContain('`scrutiny pack [period]');
  });

  describe('with a roster', () => {
    beforeAll(async () => {
      await knownUser(
        h,
        { ...people.officer, upn: 'pc.nobody@force.police.uk', name: 'PC Nobody' },
        { roles: ['officer'], onRoster: true },
      );
      await knownUser(
        h,
        { id: '29:partner', aadObjectId: 'aad-partner', upn: 'cs@council.gov.uk', name: 'Community Safety' },
        { roles: ['partner'], districts: ['Leeds'], onRoster: true },
      );
      await knownUser(
        h,
        { id: '29:mgr', aadObjectId: 'aad-mgr', upn: 'insp@force.police.uk', name: 'Insp Leeds' },
        { roles: ['manager'], districts: ['Leeds'], onRoster: true },
      );
    });

    it('an officer sees only their own items', async () => {
      const card = cardOf(await ask(h, 'summary', people.officer));
      expect(card!.body[0].text).toBe('Hate crime summary · Your occurrences (as OIC or supervisor)');
      expect(JSON.stringify(card)).toContain('All (distinct)","value":"0 (previous 0)');
    });

    it('a partner gets aggregates with small numbers suppressed and no police-only sections', async () => {
      const partner = { id: '29:partner', aadObjectId: 'aad-partner', name: 'Community Safety' };
      const json = JSON.stringify(cardOf(await ask(h, 'summary year to date', partner)));
      expect(json).toContain('Aggregates only. Counts below 5 show as <5');
      expect(json).not.toContain('Review compliance');
      expect(json).not.toContain('Overdue reviews');
      expect(json).not.toContain('Needs attention');
      const values = [...json.matchAll(/"value":"(\d+) \(previous (\d+)/g)].flatMap((m) => [Number(m[1]), Number(m[2])]);
      expect(values.length).toBeGreaterThan(0);
      expect(values.every((v) => v === 0 || v >= 5)).toBe(true);
      expect(json).toContain('"value":"<5 (previous '); // a small count is shown suppressed (the sample data has some)
    });

    it('a district manager asking for another district is told why not', async () => {
      const reply = textOf(await ask(h, 'summary district Bradford', { id: '29:mgr', aadObjectId: 'aad-mgr', name: 'Insp Leeds' }));
      expect(reply).toContain('Sorry, only a manager or coordinator for Bradford can see its figures (your roster districts are Leeds).');
    });
  });
});

/**
 * Need to know, district lists (docs/domain.md): an empty list means none, `*` means force-wide,
 * `subscribe` alone means the coordinator's own districts, an unknown district name is refused
 * with the known ones, and `my reviews` shows each person only what they may answer (audited).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bootHarness, resetDatabase, type Harness } from '../helpers/harness.js';
import { say } from '../helpers/teams.js';
import { auditSince, footprint, labelOf, lastAuditId, SECRETS, seed, sentSince, users, type TestUser } from './helpers.js';

describe('need to know: district lists', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootHarness();
  });
  afterAll(async () => h.close());
  beforeEach(async () => {
    await resetDatabase(h.db);
    await seed(h);
  });

  it('an empty district list means none: a coordinator and manager without districts sees and does nothing', async () => {
    const u = users.noDistricts;
    const before = await footprint(h);
    const replies: string[] = [];
    for (const cmd of ['review 13/700001/26', 'summary', 'scrutiny pack', 'subscribe', 'assign Something to do to me'])
      replies.push((await say(h, cmd, u)).text);
    const text = replies.join('\n');
    expect(text.match(/Sorry, /g)).toHaveLength(5);
    expect(text).toContain('you have no districts on the roster');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(await footprint(h)).toEqual(before);
    const label = await labelOf(h, u);
    expect((await auditSince(h, 0)).filter((a) => a.actor === label).map((a) => a.action)).toEqual(Array(5).fill('access_refused'));
  });

  it("'*' is force-wide: any district's card, the force-level summary, and subscribe means every district", async () => {
    const u = users.forceWide;
    expect((await say(h, 'review 13/700002/26', u)).text).toContain('13/700002/26');
    expect((await say(h, 'summary', u)).text).toContain('Hate crime summary · All districts');
    expect((await say(h, 'subscribe', u)).text).toContain('review channel for every district');
    expect((await h.db.selectFrom('review_subscriptions').select('district').execute()).map((r) => r.district)).toEqual(['*']);
  });

  it('partners and admins are refused `review` before the lookup: a held and an unknown reference get the same answer', async () => {
    for (const u of [users.partner, users.admin]) {
      const held = await say(h, 'review 13/700001/26', u);
      const unknown = await say(h, 'review 99/000000/99', u);
      expect(held.text).toContain('occurrence details are for police users');
      expect(held.text.replace('13/700001/26', 'X')).toBe(unknown.text.replace('99/000000/99', 'X'));
      expect(held.text).not.toContain('Leeds');
    }
  });

  it('subscribe with no district is the coordinator’s own districts, not the force', async () => {
    expect((await say(h, 'subscribe', users.coordinator)).text).toContain('review channel for Leeds.');
    expect((await h.db.selectFrom('review_subscriptions').select('district').execute()).map((r) => r.district)).toEqual(['Leeds']);
  });

  it('an unknown district is refused with the known ones, for summary, scrutiny pack and subscribe; nothing is shown or written', async () => {
    const before = await footprint(h);
    for (const text of ['summary district Leds', 'scrutiny pack district Leds', 'subscribe Leds']) {
      const reply = await say(h, text, users.forceWide);
      expect(reply.text, text).toContain('I don\'t know the district "Leds". Known districts: Bradford, Leeds.');
      expect(reply.text, text).not.toContain('Hate crime summary');
    }
    expect(await footprint(h)).toEqual(before);
    expect((await auditSince(h, 0)).filter((a) => /disclosed|subscribed/.test(a.action))).toEqual([]);
  });

  it('`my reviews` shows each person only what they may answer, and audits every prompt shown', async () => {
    const shown = async (u: TestUser) => {
      const from = h.connector.calls.length;
      const since = await lastAuditId(h);
      const reply = await say(h, 'my reviews', u);
      const label = await labelOf(h, u);
      const disclosed = (await auditSince(h, since)).filter((a) => a.actor === label && a.action === 'prompt.disclosed');
      return {
        text: sentSince(h, from),
        cards: reply.replies.filter((c) => JSON.stringify(c.body).includes('scheduledReviewId')).length,
        disclosed: disclosed.length,
      };
    };
    const officer = await shown(users.officer);
    expect(officer.cards).toBeGreaterThan(0);
    expect(officer.disclosed).toBe(officer.cards);
    expect(officer.text).not.toContain('13/700002/26');
    for (const u of [users.partner, users.admin, users.manager]) {
      const r = await shown(u);
      expect(r.cards).toBe(0);
      for (const secret of SECRETS) expect(r.text).not.toContain(secret);
    }
  });
});

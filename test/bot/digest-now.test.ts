import { describe, expect, it } from 'vitest';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, channel, message, occurrence, personal } from '../helpers/harness.js';
import { knownUser, people, say } from '../helpers/teams.js';

const HOUR = 3_600_000;
const coordinator = { ...people.coordinator, upn: 'hcc.leeds@force.police.uk' };
const officer = { ...people.officer, upn: 'pc.leeds@force.police.uk' };
const digestsIn = (h: { connector: FakeConnector }, conversationId: string) =>
  h.connector.posted(conversationId).filter((c) => JSON.stringify(c.body).includes('Hate crime review digest'));

describe('digest now (issue 12, item 7)', () => {
  it("a coordinator gets the channel's digest on demand, flagged since the last digest; an officer is refused", async () => {
    const h = await bootHarness();
    try {
      await knownUser(h, coordinator, { roles: ['coordinator'], districts: ['Leeds'], onRoster: true });
      await knownUser(h, officer, { roles: ['officer'], districts: ['Leeds'], onRoster: true });
      await h.send(message('subscribe'));
      const now = h.clock.now().getTime();
      const leeds = occurrence({ flaggedAt: new Date(now - 2 * HOUR).toISOString() });
      const bradford = occurrence({ flaggedAt: new Date(now - HOUR).toISOString(), district: 'Bradford' });
      const history = occurrence({ flaggedAt: new Date(now - 120 * 24 * HOUR).toISOString() });
      expect((await h.ingest({ occurrences: [leeds, bradford, history] })).status).toBe(201);
      await h.bot.dispatcher.drain(); // the review card

      const asked = await say(h, 'digest now', coordinator, channel);
      expect(asked.text).toContain('The digest for Leeds is on its way');
      await h.bot.dispatcher.drain();
      const [first] = digestsIn(h, channel.id);
      const text = JSON.stringify(FakeConnector.card(first));
      expect(text).toContain('Flagged since the last digest: 1');
      expect(text).toContain(String(leeds.reference));
      expect(text).not.toContain(String(bradford.reference)); // not the channel's district
      expect(text).not.toContain(String(history.reference)); // flagged long ago, imported now

      // Asked again an hour later: nothing flagged since the last digest.
      h.clock.advance(HOUR);
      await say(h, 'digest now', coordinator, channel);
      await h.bot.dispatcher.drain();
      const digests = digestsIn(h, channel.id);
      expect(digests).toHaveLength(2);
      expect(JSON.stringify(FakeConnector.card(digests[1]))).toContain('Flagged since the last digest: 0');

      // An officer is refused, in a personal chat and in the channel, and nothing is posted.
      const refused = await say(h, 'digest now', officer);
      expect(refused.text).toContain('only a coordinator can ask for the digest');
      expect((await say(h, 'digest now', officer, channel)).text).toContain('only a coordinator can ask for the digest');
      await h.bot.dispatcher.drain();
      expect(digestsIn(h, personal(officer).id)).toHaveLength(0);
      expect(digestsIn(h, channel.id)).toHaveLength(2);
      const audits = await h.db
        .selectFrom('audit_log')
        .select(['action'])
        .where('action', 'in', ['digest.requested', 'access_refused'])
        .execute();
      expect(audits.filter((a) => a.action === 'digest.requested')).toHaveLength(2);
      expect(audits.filter((a) => a.action === 'access_refused')).toHaveLength(2);
    } finally {
      await h.close();
    }
  });

  it("in a personal chat the coordinator gets their districts' digest there", async () => {
    const h = await bootHarness();
    try {
      await knownUser(h, coordinator, { roles: ['coordinator'], districts: ['Leeds'], onRoster: true });
      const now = h.clock.now().getTime();
      const leeds = occurrence({ flaggedAt: new Date(now - HOUR).toISOString() });
      const bradford = occurrence({ flaggedAt: new Date(now - HOUR).toISOString(), district: 'Bradford' });
      expect((await h.ingest({ occurrences: [leeds, bradford] })).status).toBe(201);
      expect((await say(h, 'digest now', coordinator)).text).toContain('The digest for Leeds is on its way');
      await h.bot.dispatcher.drain();
      const [d] = digestsIn(h, personal(coordinator).id);
      const text = JSON.stringify(FakeConnector.card(d));
      expect(text).toContain(String(leeds.reference));
      expect(text).not.toContain(String(bradford.reference));
    } finally {
      await h.close();
    }
  });
});

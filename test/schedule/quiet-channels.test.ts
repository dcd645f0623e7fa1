import { describe, expect, it } from 'vitest';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, channel, message, occurrence } from '../helpers/harness.js';
import { runDigest } from '../../jobs/digest.job.js';

const DAY = 86_400_000;
const digestsIn = (h: { connector: FakeConnector }, conversationId: string) =>
  h.connector.posted(conversationId).filter((c) => JSON.stringify(c.body).includes('Hate crime review digest'));

describe('quiet channels: the digest counts occurrences by flag time', () => {
  it('history imported today is not "flagged since the last digest"; what was flagged since is', async () => {
    const h = await bootHarness();
    try {
      await h.send(message('subscribe'));
      const now = h.clock.now().getTime();
      const old100 = occurrence({ flaggedAt: new Date(now - 100 * DAY).toISOString() });
      const old200 = occurrence({ flaggedAt: new Date(now - 200 * DAY).toISOString() });
      const recent = occurrence({ flaggedAt: new Date(now - 2 * 3_600_000).toISOString() });
      expect((await h.ingest({ occurrences: [old100, old200, recent] })).status).toBe(201);
      await runDigest({ db: h.db, clock: h.clock.now, kickOutbox: () => undefined });
      await h.bot.dispatcher.drain();
      const [first] = digestsIn(h, channel.id);
      const text = JSON.stringify(FakeConnector.card(first));
      expect(text).toContain('Flagged since the last digest: 1');
      expect(text).toContain(String(recent.reference));
      expect(text).not.toContain(String(old100.reference));
      expect(text).not.toContain(String(old200.reference));

      // The next day: only what was flagged after the first digest.
      h.clock.advance(DAY);
      const later = occurrence({ flaggedAt: new Date(h.clock.now().getTime() - 3_600_000).toISOString() });
      const older = occurrence({ flaggedAt: new Date(h.clock.now().getTime() - 150 * DAY).toISOString() });
      expect((await h.ingest({ occurrences: [later, older] })).status).toBe(201);
      await runDigest({ db: h.db, clock: h.clock.now, kickOutbox: () => undefined });
      await h.bot.dispatcher.drain();
      const digests = digestsIn(h, channel.id);
      expect(digests).toHaveLength(2);
      const second = JSON.stringify(FakeConnector.card(digests[1]));
      expect(second).toContain('Flagged since the last digest: 1');
      expect(second).toContain(String(later.reference));
      expect(second).not.toContain(String(recent.reference));
      expect(second).not.toContain(String(older.reference));
    } finally {
      await h.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, channel, message, occurrence } from '../helpers/harness.js';
import { runDigest } from '../../jobs/digest.job.js';
import { runReviewSweep } from '../../jobs/review-sweep.job.js';
import { reviewIdOf, sweepAndSend } from './helpers.js';

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

describe('quiet channels: history older than the backfill window never prompts or escalates', () => {
  it('importing 200 occurrences flagged 30-365 days ago and sweeping for hours posts nothing to the channel', async () => {
    const h = await bootHarness();
    try {
      await h.send(message('subscribe'));
      const before = h.connector.posted(channel.id).length;
      const now = h.clock.now().getTime();
      const history = Array.from({ length: 200 }, (_, i) =>
        occurrence({
          // spread over 30-365 days ago, at every hour of the day
          flaggedAt: new Date(now - (30 + Math.floor((i * 335) / 199)) * DAY - (i % 24) * 3_600_000).toISOString(),
          status: i % 3 === 0 ? 'open' : i % 3 === 1 ? 'filed' : 'closed',
          ...(i % 2 === 0 ? { allocatedAt: new Date(now - (29 + Math.floor((i * 335) / 199)) * DAY).toISOString() } : {}),
        }),
      );
      for (let i = 0; i < history.length; i += 100) expect((await h.ingest({ occurrences: history.slice(i, i + 100) })).status).toBe(201);
      const sweep = () => runReviewSweep({ db: h.db, clock: h.clock.now, kickOutbox: () => undefined }, h.config.schedule);
      for (let k = 0; k < 12; k++) {
        await sweep();
        await h.bot.dispatcher.drain();
        h.clock.advance(15 * 60_000); // three simulated hours in all
      }
      const posted = h.connector.posted(channel.id).slice(before);
      expect(posted.map((c) => JSON.stringify(c.body).slice(0, 200))).toEqual([]);
      // History is held, its open occurrences keep their future reviews (nothing already due).
      const pendingDue = await h.db
        .selectFrom('scheduled_reviews')
        .select('id')
        .where('status', '=', 'pending')
        .where('due_at', '<', h.clock.now())
        .execute();
      expect(pendingDue).toHaveLength(0);
      const held = await h.db.selectFrom('occurrences').select('id').execute();
      expect(held).toHaveLength(200);
      const future = await h.db.selectFrom('scheduled_reviews').select('id').where('status', '=', 'pending').execute();
      expect(future.length).toBeGreaterThan(0); // the open ones' next monthly reviews
    } finally {
      await h.close();
    }
  });
});

describe('quiet channels: each review posts at most once per escalation step', () => {
  it('one overdue occurrence swept every minute, then for hours, posts each review step to the channel once', async () => {
    const h = await bootHarness();
    try {
      await h.send(message('subscribe'));
      // Flagged two days ago, nobody reachable in Teams: every step lands in the review channel.
      expect((await h.ingest({ occurrences: [occurrence({ flaggedAt: '2026-11-18T09:00:00+00:00' })] })).status).toBe(201);
      await h.bot.dispatcher.drain(); // the review card
      const before = h.connector.posted(channel.id).length;
      for (let k = 0; k < 3; k++) {
        await sweepAndSend(h);
        h.clock.advance(60_000);
      }
      for (let k = 0; k < 10; k++) {
        await sweepAndSend(h);
        h.clock.advance(30 * 60_000);
      }
      const posted = h.connector.posted(channel.id).slice(before);
      const keys = posted.map((c) => `${reviewIdOf(c)}|${FakeConnector.card(c)!.body[0].items[0].text}`);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

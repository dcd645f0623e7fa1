import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, channel, freshDatabase, message, occurrence, type Harness } from '../helpers/harness.js';
import { claimDue } from '../../db/outbox/outbox.service.js';
import { runDigest } from '../../jobs/digest.job.js';
import { runReviewSweep } from '../../jobs/review-sweep.job.js';
import { knownUser, personalChatOf } from '../helpers/teams.js';
import { officer, prompts, reviewIdOf } from './helpers.js';

const dueFeed = (n: number) =>
  Array.from({ length: n }, () =>
    occurrence({
      flaggedAt: '2026-11-18T09:00:00+00:00',
      oic: { upn: officer.upn, name: officer.name },
      supervisor: { upn: 'nobody@force.police.uk' },
    }),
  );

describe('delivery across replicas and crashes', () => {
  it('two bot processes on one database send each prompt exactly once', async () => {
    const fresh = await freshDatabase();
    const connector = new FakeConnector();
    await connector.start();
    const a = await bootHarness({}, { shared: { db: fresh.db, connector } });
    const b = await bootHarness({}, { shared: { db: fresh.db, connector } });
    try {
      await a.send(message('subscribe'));
      await knownUser(a, officer);
      expect((await a.ingest({ occurrences: dueFeed(20) })).status).toBe(201);
      const sweep = (h: Harness) => runReviewSweep({ db: h.db, clock: h.clock.now, kickOutbox: () => undefined }, h.config.schedule, 7);
      await Promise.all([sweep(a), sweep(b), sweep(a), sweep(b)]);
      await Promise.all([a.bot.dispatcher.drain(), b.bot.dispatcher.drain()]);
      const all = prompts(a, /./);
      // one message per review, step and recipient (a review may be chased, then escalated)
      const keys = all.map((c) => `${reviewIdOf(c)}|${FakeConnector.card(c)!.body[0].items[0].text}|${c.conversationId}`);
      expect(new Set(keys).size).toBe(keys.length);
      // 20 referrals to the OIC, 20 task reviews to the channel (supervisor unknown): each shown once,
      // on cards listing those of one claim batch (issue 13 item 2)
      const chat = personalChatOf(a, officer.id)!;
      const disclosed = await fresh.db
        .selectFrom('audit_log')
        .select('entity_id')
        .where('action', '=', 'prompt.disclosed')
        .where(sql<boolean>`details ->> 'conversationId' = ${chat}`)
        .execute();
      expect(disclosed).toHaveLength(20);
      expect(new Set(disclosed.map((d) => d.entity_id)).size).toBe(20);
      expect(prompts(a, /./, chat).length).toBeLessThan(20);
      // every message sent; each review's own row set aside when it went on a card with others
      const outbox = await fresh.db.selectFrom('outbox').select(['status', 'last_error']).execute();
      expect(outbox.filter((o) => o.status !== 'sent' && !o.last_error?.startsWith('sent on one card with the others due'))).toEqual([]);
    } finally {
      await a.close();
      await b.close();
      await connector.stop();
      await fresh.drop();
    }
  });

  it('a process killed while holding messages loses none: they are sent once after its lease ends', async () => {
    const h = await bootHarness();
    try {
      await h.send(message('subscribe'));
      await knownUser(h, officer);
      await h.ingest({ occurrences: dueFeed(5) });
      await h.bot.dispatcher.drain(); // the review cards
      const before = h.connector.posted().length;
      await runReviewSweep({ db: h.db, clock: h.clock.now, kickOutbox: () => undefined }, h.config.schedule);
      // At Fri 20 Nov 10:00 each occurrence (flagged Wed 18 Nov 09:00, not allocated) has two reviews
      // past their deadline, each at the chase (step 2): the task review (due Thu 09:00, 24h; its 24h
      // supervisor escalation, Fri 09:00, waits for the next sweep round) to the review channel, as the
      // supervisor is unknown; the referral (due Fri 09:00, 2 working days) to the known OIC. The
      // coordinator review (Sat 28 Nov) and monthly reviews are not due yet. Each recipient gets one
      // card listing theirs (issue 13 item 2): 5 referrals to the OIC, 5 task reviews to the channel.
      const expected = 2;
      // a worker claims everything and dies before sending
      const claimed = await claimDue(h.db, 'dispatcher:killed', h.clock.now(), 1000);
      expect(claimed).toHaveLength(expected);
      await h.bot.dispatcher.drain();
      expect(h.connector.posted()).toHaveLength(before); // held by the dead worker's lease
      h.clock.advance(121_000);
      await h.bot.dispatcher.drain();
      expect(h.connector.posted()).toHaveLength(before + expected);
      expect(new Set(prompts(h, /./).map((c) => `${reviewIdOf(c)}|${c.conversationId}`)).size).toBe(expected);
      await h.bot.dispatcher.drain();
      expect(h.connector.posted()).toHaveLength(before + expected);
    } finally {
      await h.close();
    }
  });

  it('a review channel at its Teams rate limit does not hold back prompts to people; its messages wait, not fail', async () => {
    // A tight per-conversation budget: 4 messages per 30 seconds.
    const h = await bootHarness({ RATE_CONVERSATION_PER_SECOND: '4', RATE_CONVERSATION_PER_30_SECONDS: '4' });
    try {
      await h.send(message('subscribe'));
      const replies = h.connector.posted(channel.id).length;
      await knownUser(h, officer);
      await h.ingest({ occurrences: dueFeed(30) }); // 30 review cards queued for the channel first
      await runReviewSweep({ db: h.db, clock: h.clock.now, kickOutbox: () => undefined }, h.config.schedule);
      await h.bot.dispatcher.drain(); // returns without sleeping out the channel's 30 seconds
      const chat = personalChatOf(h, officer.id);
      expect(chat).toBeDefined();
      // the OIC's 30 referrals come on one card
      const [card] = prompts(h, 'Referral to victim support', chat);
      expect(JSON.stringify(FakeConnector.card(card))).toContain('30 reviews past the deadline');
      expect(h.connector.posted(channel.id)).toHaveLength(replies + 4);
      const waiting = await h.db
        .selectFrom('outbox')
        .select(['status', 'attempts', 'next_attempt_at'])
        .where('status', 'not in', ['sent', 'skipped']) // skipped: a review's own row, listed on a card
        .execute();
      expect(waiting.length).toBe(30 + 1 - 4); // review cards and one card of the 30 task reviews (supervisor unknown), less 4 sent
      expect(waiting.every((w) => w.status === 'pending' && w.attempts === 0 && w.next_attempt_at > h.clock.now())).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('a queued message this build cannot read is set aside with the reason, and the rest are still sent', async () => {
    const h = await bootHarness();
    try {
      await h.send(message('subscribe'));
      const before = h.connector.posted(channel.id).length;
      const row = (payload: unknown, key: string) => ({
        dedupe_key: key,
        kind: 'text',
        conversation_id: channel.id,
        payload: JSON.stringify(payload),
        claimed_by: null,
        claimed_until: null,
        last_error: null,
        result_activity_id: null,
        sent_at: null,
        next_attempt_at: h.clock.now(),
      });
      await h.db
        .insertInto('outbox')
        .values([
          row({ type: 'review_prompt', scheduledReviewId: 'x', step: 'prompt', mode: 'post' }, 'old-build'),
          row({ type: 'text', text: 'Hello from the outbox' }, 'good'),
        ])
        .execute();
      await h.bot.dispatcher.drain();
      expect(
        h.connector
          .posted(channel.id)
          .slice(before)
          .map((c) => c.body.text),
      ).toEqual(['Hello from the outbox']);
      const bad = await h.db
        .selectFrom('outbox')
        .select(['status', 'last_error'])
        .where('dedupe_key', '=', 'old-build')
        .executeTakeFirstOrThrow();
      expect(bad.status).toBe('dead');
      expect(bad.last_error).toMatch(/unreadable payload, not sent: .*unreachable/);
    } finally {
      await h.close();
    }
  });

  it('the weekday digest lists what was flagged, what is due today, overdue by owner and high-risk open cases', async () => {
    const h = await bootHarness();
    try {
      await h.send(message('subscribe'));
      const [old] = dueFeed(1);
      const res = await h.ingest({
        occurrences: [old, occurrence({ flaggedAt: '2026-11-19T15:00:00+00:00', strands: ['religion', 'race'] })],
      });
      const [first, second] = res.body.results;
      // grade the first high
      const { executeInvoke } = await import('../helpers/harness.js');
      const answers = Object.fromEntries(h.config.checklist.map((i) => [`item_${i.key}`, 'yes']));
      await h.send(
        executeInvoke(
          'review.submit',
          { occurrenceId: first.id, expectedVersion: 0, ...answers, riskGrade: 'high', riskRationale: 'repeat' },
          'x',
        ),
      );
      await runDigest({ db: h.db, clock: h.clock.now, kickOutbox: () => undefined });
      await runDigest({ db: h.db, clock: h.clock.now, kickOutbox: () => undefined }); // once a day only
      await h.bot.dispatcher.drain();
      const digests = h.connector.posted(channel.id).filter((c) => JSON.stringify(c.body).includes('Hate crime review digest'));
      expect(digests).toHaveLength(1);
      const text = JSON.stringify(FakeConnector.card(digests[0]));
      // By flag time (issue 12, item 7): the one flagged Wed 18 Nov is older than the last 24 hours.
      expect(text).toContain('Flagged since the last digest: 1');
      expect(text).toContain(second.reference);
      expect(text).toContain('Religion, Race');
      expect(text).toMatch(/PC Megan Bowen: \d/); // overdue by owner (the referral)
      expect(text).toContain(`${first.reference} · Leeds`);
      expect(text).toMatch(/Supervisor task review[^"]*: 1/); // the second's task review falls due at 15:00 today
    } finally {
      await h.close();
    }
  });
});

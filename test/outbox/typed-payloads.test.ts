import { describe, expect, it } from 'vitest';
import { runActionReminders } from '../../jobs/actions-reminders.job.js';
import { runDigest } from '../../jobs/digest.job.js';
import { runWeeklySummaries } from '../../jobs/summary-scheduled.job.js';
import { cardsTo, registerMembers, users } from '../actions/helpers.js';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, channel, message, occurrence, personal } from '../helpers/harness.js';
import { knownUser, say } from '../helpers/teams.js';

const noKick = { kickOutbox: () => undefined };
const payloadTypes = async (h: Awaited<ReturnType<typeof bootHarness>>) =>
  (await h.db.selectFrom('outbox').select('payload').execute()).map(
    (r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as { type: string; card?: unknown },
  );

describe('the outbox holds typed payloads, rendered when sent', () => {
  it('a meeting update request shows the update the holder gave after it was queued; no queued message holds a card', async () => {
    const h = await bootHarness();
    try {
      registerMembers(h);
      await say(h, 'hello', users.holder);
      await say(h, 'assign Review hate crime web pages to meganb@example.com pillar reporting ref 1.2 a');
      await say(h, 'meeting schedule tactical 8/12 10:00');
      await h.bot.dispatcher.drain();
      h.clock.current = new Date('2026-12-01T09:00:00Z'); // 7 days before the meeting
      // One card to the holder listing their actions, one to the coordinator saying who was asked.
      expect(await runActionReminders({ db: h.db, clock: h.clock.now, ...noKick }, h.config.actions)).toBe(2);
      // The holder answers in the chat before the outbox has sent the request.
      expect((await say(h, 'action 1.2 a update Pages rewritten with the TruVision links', users.holder)).text).toContain('1.2 a');
      await h.bot.dispatcher.drain();
      const request = cardsTo(h, users.holder).find((c) => JSON.stringify(c.body).includes('Update needed on 1 action'));
      expect(JSON.stringify(FakeConnector.card(request!))).toContain('Pages rewritten with the TruVision links');
      const stored = await payloadTypes(h);
      expect(stored.map((p) => p.type)).toContain('action_batch');
      expect(stored.filter((p) => p.type === 'card' || p.card !== undefined)).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('an action whose holder’s chat refuses it (403) goes to the review channel, saying the holder could not be reached', async () => {
    const h = await bootHarness();
    try {
      registerMembers(h);
      await h.send(message('subscribe'));
      await say(h, 'hello', users.holder);
      h.connector.failNext(1, 403, { match: (c) => c.conversationId === personal(users.holder).id && c.method === 'POST' });
      await say(h, 'assign Review hate crime web pages to meganb@example.com pillar reporting ref 1.2 a');
      await h.bot.dispatcher.drain();
      const rerouted = h.connector.posted(channel.id).filter((c) => JSON.stringify(c.body).includes('1.2 a'));
      expect(rerouted).toHaveLength(1);
      expect(JSON.stringify(FakeConnector.card(rerouted[0]!))).toContain('Megan Bowen cannot be reached in Teams yet');
    } finally {
      await h.close();
    }
  });

  it("the digest's overdue reviews by owner are the summary's: same owners, same counts", async () => {
    const h = await bootHarness();
    try {
      await h.send(message('subscribe'));
      // Received live two days ago with no supervisor recorded: the supervisor's task review is overdue.
      // (Live, not history: compliance and overdue figures count from when the bot first received an occurrence.)
      const now = h.clock.current;
      h.clock.current = new Date('2026-11-18T09:05:00Z');
      const noSupervisor = occurrence({ flaggedAt: '2026-11-18T09:00:00+00:00' });
      delete noSupervisor.supervisor;
      expect((await h.ingest({ occurrences: [noSupervisor, occurrence({ flaggedAt: '2026-11-18T09:00:00+00:00' })] })).status).toBe(201);
      h.clock.current = now;
      await runDigest({ db: h.db, clock: h.clock.now, ...noKick });
      await h.bot.dispatcher.drain();
      const digest = h.connector.posted(channel.id).find((c) => JSON.stringify(c.body).includes('Hate crime review digest'));
      const digestLines = [...JSON.stringify(FakeConnector.card(digest!)).matchAll(/• ([^":]+): (\d+)/g)].map(
        (m) => [m[1], Number(m[2])] as const,
      );
      const summary = (await say(h, 'summary')).replies.map((r) => FakeConnector.card(r)).find(Boolean) as { body: unknown[] };
      const section = JSON.stringify(summary).match(/Overdue reviews now, by owner \((\d+)\)".*?"facts":(\[[^\]]*\])/);
      const facts = (JSON.parse(section![2]!) as { title: string; value: string }[]).map((f) => [f.title, Number(f.value)] as const);
      expect(facts).toContainEqual(['Supervisor not recorded', 1]);
      for (const [owner, count] of facts) expect(digestLines).toContainEqual([owner, count]);
      expect(JSON.stringify(FakeConnector.card(digest!))).toContain(`Overdue, by owner: ${section![1]}`);
    } finally {
      await h.close();
    }
  });

  it('a weekly summary is queued by scope and period, and computed when sent', async () => {
    const h = await bootHarness();
    try {
      await h.send(message('help', { ...users.coordinator }, personal(users.coordinator)));
      await knownUser(
        h,
        { id: '29:mgr', aadObjectId: 'aad-mgr', name: 'Insp Leeds', upn: 'insp.leeds@force.police.uk' },
        { roles: ['manager'], districts: ['Leeds'], onRoster: true },
      );
      h.clock.current = new Date('2026-11-23T08:00:00Z');
      expect(await runWeeklySummaries({ db: h.db, clock: h.clock.now, ...noKick })).toBe(1);
      // Flagged last week, but reported by the feed after the summary was queued.
      expect((await h.ingest({ occurrences: [occurrence({ flaggedAt: '2026-11-18T09:00:00+00:00' })] })).status).toBe(201);
      await h.bot.dispatcher.drain();
      const stored = await payloadTypes(h);
      expect(stored.find((p) => p.type === 'summary')).toMatchObject({
        type: 'summary',
        period: 'last week',
        scope: { kind: 'districts', districts: ['leeds'] },
      });
      const sent = h.connector.calls.filter((c) => JSON.stringify(c.body).includes('Hate crime summary · Leeds'));
      expect(sent).toHaveLength(1);
      expect(JSON.stringify(FakeConnector.card(sent[0]!))).toContain('{"title":"All (distinct)","value":"1 (previous 0');
    } finally {
      await h.close();
    }
  });
});

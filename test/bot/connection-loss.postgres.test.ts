/**
 * A database connection lost mid-request on PostgreSQL (skipped on PGlite, which has no connection a
 * server could drop): real dropped connections (pg_terminate_backend while the bot's transactions
 * wait on row locks the test holds; a database that refuses connections for a while). The process
 * stays up, each user is told what the database holds, and the next request works.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { bootHarness, channel, dbKind, executeInvoke, message, occurrence, personal, type Harness } from '../helpers/harness.js';
import { coordinator, dropConnections, notSaved, outage, savedBy, submit, waitFor, withAdmin } from './connection-loss.helpers.js';

describe.skipIf(dbKind !== 'postgres')("PostgreSQL terminating the bot's connections mid-transaction", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('10 concurrent review submits: each user is told what the database holds, the process stays up and later submits work', async () => {
    const ids = await (async () => {
      const res = await h.ingest({ occurrences: Array.from({ length: 10 }, () => occurrence()) });
      return res.body.results.map((r: { id: string }) => r.id) as string[];
    })();
    const users = ids.map((_, i) => coordinator(i));
    // 0-2 go through at once; 3-6 wait on a lock, lose their connection, retry and save;
    // 7-9 wait, lose it, retry, wait and lose it again: not saved.
    await withAdmin(h, async (retried, lost, admin) => {
      await retried.query('begin');
      await retried.query('select id from occurrences where id = any($1) for update', [ids.slice(3, 7)]);
      await lost.query('begin');
      await lost.query('select id from occurrences where id = any($1) for update', [ids.slice(7)]);
      const answers = ids.map((id, i) => submit(h, id, users[i]!));
      const first = await Promise.all(answers.slice(0, 3));
      const waiting = await waitFor(admin, 7);
      await dropConnections(admin);
      await waitFor(admin, 7, waiting); // all seven retried on fresh connections
      await retried.query('commit');
      const second = await Promise.all(answers.slice(3, 7));
      const stillWaiting = await waitFor(admin, 3);
      await dropConnections(admin);
      const third = await Promise.all(answers.slice(7));
      await lost.query('rollback');
      const told = [...first, ...second, ...third];
      for (const [i, r] of told.entries()) {
        expect(r.status).toBe(200);
        const saved = savedBy(r.body, users[i]!.name);
        expect(saved || notSaved(r.body), `user ${i} was told neither`).toBe(true);
        const held = await h.db.selectFrom('reviews').select('reviewer_name').where('occurrence_id', '=', ids[i]!).execute();
        expect(
          held.map((x) => x.reviewer_name),
          `user ${i}: the database disagrees with what they were told`,
        ).toEqual(saved ? [users[i]!.name] : []);
      }
      expect(told.map((r, i) => savedBy(r.body, users[i]!.name))).toEqual([true, true, true, true, true, true, true, false, false, false]);
      expect(stillWaiting.length).toBe(3);
    });
    expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);
    const later = await submit(h, ids[9]!, users[9]!);
    expect(savedBy(later.body, users[9]!.name)).toBe(true);
  }, 180_000);

  it('review prompt answers: one retried and saved, one lost and told so; answering again works', async () => {
    const [id] = (await h.ingest(occurrence())).body.results.map((r: { id: string }) => r.id) as string[];
    const prompts = await h.db
      .selectFrom('scheduled_reviews')
      .select('id')
      .where('occurrence_id', '=', id!)
      .where('status', '=', 'pending')
      .orderBy('due_at')
      .limit(2)
      .execute();
    expect(prompts).toHaveLength(2);
    const [p1, p2] = prompts.map((p) => p.id);
    const answer = (pid: string, n: number) =>
      h.send(
        executeInvoke(
          'prompt.na',
          { scheduledReviewId: pid, reason: 'Victim moved out of the force area' },
          'x',
          coordinator(n),
          personal(coordinator(n)),
        ),
      );
    await withAdmin(h, async (retried, lost, admin) => {
      await retried.query('begin');
      await retried.query('select id from scheduled_reviews where id = $1 for update', [p1]);
      await lost.query('begin');
      await lost.query('select id from scheduled_reviews where id = $1 for update', [p2]);
      const a1 = answer(p1!, 1);
      const a2 = answer(p2!, 2);
      const waiting = await waitFor(admin, 2);
      await dropConnections(admin);
      await waitFor(admin, 2, waiting);
      await retried.query('commit');
      const r1 = await a1;
      await waitFor(admin, 1);
      await dropConnections(admin);
      const r2 = await a2;
      await lost.query('rollback');
      expect(JSON.stringify(r1.body)).toContain('Not applicable');
      expect(notSaved(r1.body)).toBe(false);
      expect(notSaved(r2.body)).toBe(true);
    });
    const status = async (pid: string) =>
      (await h.db.selectFrom('scheduled_reviews').select('status').where('id', '=', pid).executeTakeFirstOrThrow()).status;
    expect(await status(p1!)).toBe('not_applicable');
    expect(await status(p2!)).toBe('pending');
    const again = await answer(p2!, 2);
    expect(notSaved(again.body)).toBe(false);
    expect(await status(p2!)).toBe('not_applicable');
  });
});

describe.skipIf(dbKind !== 'postgres')('PostgreSQL refusing connections for a while (restart, failover)', () => {
  it('the outbox and the jobs log the outage once, keep polling, and the outbox delivers a message queued during it once the database is back', async () => {
    const lines: { msg: string; failedPolls?: number }[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
    const h = await bootHarness(
      { OUTBOX_POLL_SECONDS: '0.1', SWEEP_CRON: '* * * * * *' },
      { dispatcher: true, jobs: true, logger: pino({ level: 'info' }, sink) },
    );
    try {
      expect((await h.send(message('subscribe'))).status).toBe(200);
      const [id] = (await h.ingest(occurrence())).body.results.map((r: { id: string }) => r.id) as string[];
      await outage(h, async (admin) => {
        expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(503);
        // a card submit while the database is away is answered, not left to Teams' generic error
        const during = await submit(h, id!, coordinator(1));
        expect(during.status).toBe(200);
        expect(notSaved(during.body)).toBe(true);
        // queued by someone still connected (another replica, say) while this bot cannot reach the database
        await admin.query(
          `insert into outbox (dedupe_key, kind, conversation_id, payload, next_attempt_at) values ('outage-test', 'text', $1, $2, '2026-11-20T09:00:00Z')`,
          [channel.id, JSON.stringify({ type: 'text', text: 'Queued while the database was away' })],
        );
        // several polls fail meanwhile (bounded wait)
        for (let i = 0; i < 100 && lines.filter((l) => l.msg.startsWith('outbox: database unavailable')).length === 0; i++)
          await new Promise((r) => setTimeout(r, 50));
        await new Promise((r) => setTimeout(r, 2500)); // the review sweep runs every second here
      });
      const back = () =>
        h.connector.posted(channel.id).some((c) => c.body.text === 'Queued while the database was away') &&
        lines.some((l) => l.msg.startsWith('outbox: database connection back')) &&
        lines.some((l) => l.msg.startsWith('job review-sweep: database connection back'));
      for (let i = 0; i < 200 && !back(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(h.connector.posted(channel.id).map((c) => c.body.text)).toContain('Queued while the database was away');
      expect(lines.filter((l) => l.msg.startsWith('outbox: database unavailable'))).toHaveLength(1);
      const resumed = lines.filter((l) => l.msg.startsWith('outbox: database connection back'));
      expect(resumed).toHaveLength(1);
      expect(resumed[0]!.failedPolls).toBeGreaterThan(1);
      expect(lines.filter((l) => l.msg.startsWith('job review-sweep: database unavailable'))).toHaveLength(1);
      expect(lines.filter((l) => l.msg === 'job failed')).toHaveLength(0);
      const sweepBack = lines.filter((l) => l.msg.startsWith('job review-sweep: database connection back'));
      expect(sweepBack).toHaveLength(1);
      expect(sweepBack[0]!.failedPolls).toBeGreaterThan(1);
      expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);
      expect(savedBy((await submit(h, id!, coordinator(1))).body, coordinator(1).name)).toBe(true);
    } finally {
      await h.close();
    }
  });
});

/**
 * A database connection lost mid-request fails only that request: the process stays up, each user
 * is told "not saved, try again" only when nothing was saved, and the next request works.
 * PostgreSQL: real dropped connections (pg_terminate_backend while the bot's transactions wait on
 * row locks the test holds; a database that refuses connections for a while). PGlite runs in the
 * process and has no connection a server could drop: there the same paths are driven by a
 * statement failing inside the transaction with the code a dropped connection gives.
 */
import { sql, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { bootHarness, channel, dbKind, executeInvoke, message, occurrence, personal, type Harness } from '../helpers/harness.js';
import { coordinator, databaseLosingCommitReply, dropConnections, outage, submit, waitFor, withAdmin } from './connection-loss.helpers.js';

const NOT_SAVED = 'Not saved: the bot lost its connection to the database';
const savedBy = (body: unknown, name: string) => JSON.stringify(body).includes(`Reviewed by ${name}`);
const notSaved = (body: unknown) => JSON.stringify(body).includes(NOT_SAVED);

describe('a lost database connection fails only that request', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
  });
  afterEach(async () => {
    await sql`drop trigger if exists hcc_fault on review_decisions`.execute(h.db);
    await sql`drop trigger if exists hcc_fault_commit on reviews`.execute(h.db);
    await h.close();
  });

  async function occurrences(n: number): Promise<string[]> {
    const res = await h.ingest({ occurrences: Array.from({ length: n }, () => occurrence()) });
    expect(res.status).toBe(201);
    return res.body.results.map((r: { id: string }) => r.id);
  }

  /** Makes the next `times` review saves fail mid-transaction with `code` (57P01: what a terminated backend sends). */
  async function failSaves(times: number, code: string, atCommit = false) {
    await sql`create sequence if not exists hcc_fault_seq`.execute(h.db);
    await sql`select setval('hcc_fault_seq', 1, false)`.execute(h.db);
    await sql
      .raw(
        `create or replace function hcc_fault() returns trigger language plpgsql as $$ begin
           if nextval('hcc_fault_seq') <= ${times} then raise exception 'terminating connection due to administrator command' using errcode = '${code}'; end if;
           return new; end $$`,
      )
      .execute(h.db);
    if (atCommit)
      await sql`create constraint trigger hcc_fault_commit after insert on reviews deferrable initially deferred for each row execute function hcc_fault()`.execute(
        h.db,
      );
    else await sql`create trigger hcc_fault before insert on review_decisions for each row execute function hcc_fault()`.execute(h.db);
  }

  it('a connection dropped inside the save is retried once: the user sees their saved review, saved once', async () => {
    const [id] = await occurrences(1);
    await failSaves(1, '57P01');
    const res = await submit(h, id!, coordinator(1));
    expect(savedBy(res.body, coordinator(1).name)).toBe(true);
    expect(await h.db.selectFrom('reviews').select('version').where('occurrence_id', '=', id!).execute()).toEqual([{ version: 1 }]);
  });

  it('dropped again on the retry: the user is told "not saved, try again", nothing is saved, and trying again works', async () => {
    const [id] = await occurrences(1);
    await failSaves(2, '57P01');
    const res = await submit(h, id!, coordinator(1));
    expect(res.status).toBe(200);
    expect(notSaved(res.body)).toBe(true);
    expect(await h.db.selectFrom('reviews').selectAll().where('occurrence_id', '=', id!).execute()).toHaveLength(0);
    const again = await submit(h, id!, coordinator(1));
    expect(savedBy(again.body, coordinator(1).name)).toBe(true);
    expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);
  });

  it('a statement failing inside the save for another reason is answered, saves nothing and leaves the database usable', async () => {
    const [a, b] = await occurrences(2);
    await failSaves(1, 'XX000');
    const failed = await submit(h, a!, coordinator(1));
    expect(failed.status).toBe(200); // answered on the card, not left to Teams' generic error
    expect(JSON.stringify(failed.body)).toContain('Sorry, something went wrong. Check the current card before trying again');
    expect(await h.db.selectFrom('reviews').selectAll().execute()).toHaveLength(0);
    // on PGlite there is one connection: a transaction left open on it would break everything after
    const next = await submit(h, b!, coordinator(2));
    expect(savedBy(next.body, coordinator(2).name)).toBe(true);
    expect((await h.send(message('help'))).status).toBe(200);
  });

  it('a connection lost during COMMIT is checked, not guessed: the review that did not commit is reported not saved', async () => {
    const [id] = await occurrences(1);
    await failSaves(1, '57P01', true);
    const res = await submit(h, id!, coordinator(1));
    expect(notSaved(res.body)).toBe(true);
    expect(await h.db.selectFrom('reviews').selectAll().where('occurrence_id', '=', id!).execute()).toHaveLength(0);
  });
});

describe('a lost connection after the save was committed', () => {
  it('the user gets their saved review, not "not saved", when only refreshing the card afterwards fails', async () => {
    // The connection drops at the first read of the review schedule after the review row went in
    // (that read comes after COMMIT): simulated in the query path, as nothing can time a real drop there.
    let armed = false;
    const tableOf = (n: RootOperationNode) =>
      /"TableNode","table":\{"kind":"SchemableIdentifierNode","identifier":\{"kind":"IdentifierNode","name":"(\w+)"/.exec(
        JSON.stringify(n),
      )?.[1];
    const dropAfterSave: KyselyPlugin = {
      transformQuery: ({ node }) => {
        if (node.kind === 'InsertQueryNode' && tableOf(node) === 'reviews') armed = true;
        // scheduleFor's read (ordered by due date, then kind): the card's schedule, read after the commit
        else if (
          armed &&
          node.kind === 'SelectQueryNode' &&
          tableOf(node) === 'scheduled_reviews' &&
          /"orderBy".*"due_at".*"kind"/.test(JSON.stringify(node))
        ) {
          armed = false;
          throw new Error('Connection terminated unexpectedly');
        }
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    const base = await bootHarness();
    await base.close();
    const h = await bootHarness({}, { db: base.db.withPlugin(dropAfterSave) });
    try {
      const [id] = (await h.ingest(occurrence())).body.results.map((r: { id: string }) => r.id) as string[];
      const res = await submit(h, id!, coordinator(1));
      expect(armed).toBe(false); // the drop happened (armed by the review insert, spent by the read)
      expect(notSaved(res.body)).toBe(false);
      expect(savedBy(res.body, coordinator(1).name)).toBe(true);
      expect(JSON.stringify(res.body)).toContain('Review saved.');
      expect(await base.db.selectFrom('reviews').select('reviewer_name').where('occurrence_id', '=', id!).execute()).toEqual([
        { reviewer_name: coordinator(1).name },
      ]);
    } finally {
      await h.close();
    }
  });
});

describe('a connection lost during COMMIT of a review that did commit', () => {
  it('the user is shown their saved review (read back, not guessed), and it is saved once', async () => {
    const lossy = await databaseLosingCommitReply();
    const h = await bootHarness({}, { db: lossy.db });
    try {
      const [id] = (await h.ingest(occurrence())).body.results.map((r: { id: string }) => r.id) as string[];
      const res = await submit(h, id!, coordinator(1));
      expect(lossy.fired()).toBe(true);
      expect(notSaved(res.body)).toBe(false);
      expect(savedBy(res.body, coordinator(1).name)).toBe(true);
      expect(JSON.stringify(res.body)).toContain('Saved. (The database connection dropped as it was being saved');
      expect(await lossy.db.selectFrom('reviews').select('version').where('occurrence_id', '=', id!).execute()).toEqual([{ version: 1 }]);
    } finally {
      await h.close();
      await lossy.drop();
    }
  });
});

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
  });

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

/**
 * A database connection lost mid-request fails only that request: the process stays up, each user
 * is told "not saved, try again" only when nothing was saved, and the next request works.
 * On both databases the paths are driven by a statement failing inside the transaction with the
 * code a dropped connection gives (PGlite runs in the process and has no connection a server could
 * drop). Real dropped connections on PostgreSQL: connection-loss.postgres.test.ts.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootHarness, message, occurrence, type Harness } from '../helpers/harness.js';
import { coordinator, databaseLosingCommitReply, notSaved, savedBy, submit } from './connection-loss.helpers.js';

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

  it('a save the server refuses as it commits (twice) is checked, not guessed: the review that did not commit is reported not saved', async () => {
    // The save is one statement, its own transaction: the server's refusal at commit (an error it
    // sent, so rolled back) is retried once like any other; refused again, the user is told.
    const [id] = await occurrences(1);
    await failSaves(2, '57P01', true);
    const res = await submit(h, id!, coordinator(1));
    expect(notSaved(res.body)).toBe(true);
    expect(await h.db.selectFrom('reviews').selectAll().where('occurrence_id', '=', id!).execute()).toHaveLength(0);
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

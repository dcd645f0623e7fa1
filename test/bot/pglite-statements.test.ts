/**
 * On PGlite the bot keeps each statement text it runs as a named prepared statement
 * (db/pglite-statements.ts), so it is parsed and planned once. What a user could notice if that
 * went wrong: a wrong or stale answer after the data or a table changed, a statement that
 * answers for another's text, or an error that reaches them as a different one.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbKind, freshDatabase } from '../helpers/harness.js';

describe.runIf(dbKind === 'pglite')('statements kept by the PGlite connection', () => {
  let env: Awaited<ReturnType<typeof freshDatabase>>;
  beforeEach(async () => {
    env = await freshDatabase();
    await sql`create table kept_test (id int primary key, note text)`.execute(env.db);
  });
  afterEach(async () => {
    await env.db.destroy();
    await env.drop();
  });

  const notes = async (from: number) =>
    (await sql<{ id: number; note: string }>`select * from kept_test where id >= ${from} order by id`.execute(env.db)).rows;

  it('answer with the current data and each run its own parameters, many times over (past the plan cache taking over)', async () => {
    for (let i = 1; i <= 12; i++) {
      await sql`insert into kept_test (id, note) values (${i}, ${`note ${i}`})`.execute(env.db);
      expect((await notes(i)).map((r) => r.note)).toEqual([`note ${i}`]);
    }
    expect(await notes(11)).toEqual([
      { id: 11, note: 'note 11' },
      { id: 12, note: 'note 12' },
    ]);
  });

  it('still answer after the table changes shape, with the new column', async () => {
    await sql`insert into kept_test (id, note) values (1, 'one')`.execute(env.db);
    expect(await notes(1)).toEqual([{ id: 1, note: 'one' }]);
    await sql`alter table kept_test add column extra text default 'x'`.execute(env.db);
    expect(await notes(1)).toEqual([{ id: 1, note: 'one', extra: 'x' }]);
  });

  it('pass the database error through as it is, and the next statement works', async () => {
    await sql`insert into kept_test (id, note) values (1, 'one')`.execute(env.db);
    const again = sql`insert into kept_test (id, note) values (${1}, ${'again'})`.execute(env.db);
    await expect(again).rejects.toMatchObject({ code: '23505' });
    // In a transaction: the error aborts it, the rollback undoes what came before it.
    const tx = env.db.transaction().execute(async (trx) => {
      await sql`insert into kept_test (id, note) values (${2}, ${'two'})`.execute(trx);
      await sql`insert into kept_test (id, note) values (${1}, ${'again'})`.execute(trx);
    });
    await expect(tx).rejects.toMatchObject({ code: '23505' });
    expect(await notes(1)).toEqual([{ id: 1, note: 'one' }]);
  });
});

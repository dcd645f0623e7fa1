/** The database over the bot's life: one process per embedded database, upgrades of landed releases, dropped PostgreSQL connections. */
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { bootHarness, dbKind, occurrence } from '../helpers/harness.js';
import { loadConfig } from '../../bot/config.js';

describe('one embedded database, one process', () => {
  it('a second process cannot open the embedded database folder while the first holds it; it can once the first closes', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openDatabase, DatabaseBusyError } = await import('../../db/database.js');
    const dir = join(mkdtempSync(join(tmpdir(), 'hcc-lock-')), 'pglite');
    const first = await openDatabase({ kind: 'pglite', dir, lockWaitSeconds: 0 });
    await expect(openDatabase({ kind: 'pglite', dir, lockWaitSeconds: 0 })).rejects.toBeInstanceOf(DatabaseBusyError);
    await first.destroy();
    const second = await openDatabase({ kind: 'pglite', dir, lockWaitSeconds: 0 });
    await second.destroy();
    // Two embedded databases created and migrated from nothing: 10-30 s each on a busy 2-core machine.
  }, 180_000);

  it('a port already in use is reported as such, not as a crash', async () => {
    const { startBot, PortInUseError } = await import('../../bot/app.js');
    const h = await bootHarness();
    try {
      const config = loadConfig({ PORT: String(h.bot.port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
      await expect(startBot(config, { db: h.db, dispatcher: false, jobs: false })).rejects.toBeInstanceOf(PortInUseError);
    } finally {
      await h.close();
    }
  });
});

describe('upgrades', () => {
  it('landed migrations are unchanged (a database that ran one would never see an edit)', async () => {
    const { readFileSync } = await import('node:fs');
    const { createHash } = await import('node:crypto');
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/landed-migrations.json', import.meta.url), 'utf8')) as {
      landed: Record<string, string>;
    };
    for (const [name, hash] of Object.entries(fixture.landed)) {
      const text = readFileSync(new URL(`../../db/migrations/${name}.ts`, import.meta.url));
      expect(`${name} ${createHash('sha256').update(text).digest('hex')}`).toBe(`${name} ${hash}`);
    }
  });

  it('a database migrated by the last landed release (up to 2026-11-21T02) upgrades to the current schema at start', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { Kysely, Migrator } = await import('kysely');
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGliteDialect } = await import('kysely-pglite-dialect');
    const { openDatabase, MIGRATIONS } = await import('../../db/database.js');
    const dir = join(mkdtempSync(join(tmpdir(), 'hcc-upgrade-')), 'pglite');
    const old = new Kysely<unknown>({ dialect: new PGliteDialect(new PGlite(dir)) });
    const landed = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name <= '2026-11-21T02-summaries')); // as they landed (checked above)
    expect(Object.keys(landed)).toHaveLength(4);
    const first = await new Migrator({ db: old, provider: { getMigrations: async () => landed } }).migrateToLatest();
    expect(first.error).toBeUndefined();
    await old.destroy();

    const db = await openDatabase({ kind: 'pglite', dir, lockWaitSeconds: 0 });
    try {
      const meeting = await db
        .insertInto('meetings')
        .values({
          kind: 'tactical',
          starts_at: new Date('2026-12-08T10:00:00Z'),
          recurrence: 'monthly',
          series_id: null,
          conversation_id: null,
          created_by: null,
          pack_posted_at: null,
          prompts_sent_at: new Date(),
        })
        .returning(['prompts_sent_at'])
        .executeTakeFirstOrThrow();
      expect(meeting.prompts_sent_at).toBeInstanceOf(Date);
      const { sql } = await import('kysely');
      expect((await sql`select count(*)::int as n from summary_exports`.execute(db)).rows).toEqual([{ n: 0 }]);
    } finally {
      await db.destroy();
    }
  });
});

describe.skipIf(dbKind !== 'postgres')('a PostgreSQL server that drops connections', () => {
  it('the bot carries on when the server terminates its idle connections (restart, failover)', async () => {
    const pg = (await import('pg')).default;
    const h = await bootHarness();
    try {
      expect((await h.ingest(occurrence())).status).toBe(201); // the pool now holds idle connections
      const { current_database: name } = (await sql<{ current_database: string }>`select current_database()`.execute(h.db)).rows[0]!;
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      const killed = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      await admin.end();
      expect(killed.rowCount).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 200)); // let the pool see the closed sockets
      expect((await h.ingest(occurrence())).status).toBe(201);
      expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

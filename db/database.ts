import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, type Migration } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import * as initial from './migrations/2026-11-20T00-initial.js';
import * as reviewSchedule from './migrations/2026-11-21T00-review-schedule.js';
import * as actionsMeetings from './migrations/2026-11-21T01-actions-meetings.js';
import * as summaries from './migrations/2026-11-21T02-summaries.js';
import type { Database } from './schema.js';

/** Where the data lives: a PostgreSQL server, or embedded PGlite in a folder (null: in memory). */
export type DatabaseTarget = { kind: 'postgres'; url: string; poolMax: number } | { kind: 'pglite'; dir: string | null };

/** Timestamped migrations, in order; a static list so bundlers and tsx need no file-system scan. */
const migrations: Record<string, Migration> = {
  '2026-11-20T00-initial': initial,
  '2026-11-21T00-review-schedule': reviewSchedule,
  '2026-11-21T01-actions-meetings': actionsMeetings,
  '2026-11-21T02-summaries': summaries,
};

/**
 * Opens the database and applies pending migrations.
 * @throws Error naming the failed migration, or the connection error
 */
export async function openDatabase(target: DatabaseTarget): Promise<Kysely<Database>> {
  let db: Kysely<Database>;
  if (target.kind === 'postgres') {
    // timestamptz and jsonb parse to Date and objects by default; int8 (counts) stays a string, converted where read.
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolMax });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    if (target.dir) mkdirSync(target.dir, { recursive: true });
    const client = target.dir ? new PGlite(target.dir) : new PGlite();
    await client.waitReady;
    db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    await db.destroy();
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error | undefined)?.message ?? 'unknown error'}`);
  }
  return db;
}

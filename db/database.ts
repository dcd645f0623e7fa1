import type { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql, type Migration } from 'kysely';
import { mkdirSync } from 'node:fs';
import lockfile from 'proper-lockfile';
import pg from 'pg';
import * as initial from './migrations/2026-11-20T00-initial.js';
import * as reviewSchedule from './migrations/2026-11-21T00-review-schedule.js';
import * as actionsMeetings from './migrations/2026-11-21T01-actions-meetings.js';
import * as summaries from './migrations/2026-11-21T02-summaries.js';
import * as meetingReminders from './migrations/2026-11-21T03-meeting-reminders.js';
import * as summaryIndexes from './migrations/2026-11-21T04-summary-indexes.js';
import * as actionRefCi from './migrations/2026-11-21T05-action-ref-ci.js';
import * as auditChain from './migrations/2026-11-29T01-audit-chain.js';
import * as actionDistricts from './migrations/2026-11-29T02-action-districts.js';
import * as currentGrade from './migrations/2026-11-29T03-current-grade.js';
import * as outboxDue from './migrations/2026-11-29T04-outbox-due.js';
import * as summaryPeriod from './migrations/2026-11-29T06-summary-period.js';
import * as agenciesHistory from './migrations/2026-11-29T07-agencies-history.js';
import * as documents from './migrations/2026-11-29T08-documents.js';
import * as retention from './migrations/2026-11-29T09-retention.js';
import * as repeatIndex from './migrations/2026-11-29T10-repeat-index.js';
import * as occurrencesCreated from './migrations/2026-11-29T11-occurrences-created.js';
import * as repeatLinks from './migrations/2026-11-29T12-repeat-links.js';
import * as nchiDecision from './migrations/2026-11-29T13-nchi-decision.js';
import * as reviewOutcomes from './migrations/2026-11-29T14-review-outcomes.js';
import * as occurrenceEvents from './migrations/2026-11-29T15-occurrence-events.js';
import * as summaryDaily from './migrations/2026-11-29T20-summary-daily.js';
import * as summaryTriggersStatic from './migrations/2026-11-29T21-summary-triggers-static.js';
import * as unusedOccurrenceIndexes from './migrations/2026-11-29T22-unused-occurrence-indexes.js';
import { auditTamperRisk, grantAppRole } from './audit/roles.js';
import type { Database } from './schema.js';
import { withStatementCache } from './pglite-statements.js';
import { resilient } from './transactions.js';

// Connection-loss handling, for the edge's replies and the polling loops (db/ is reached through its entry points).
export { OutageLog } from './outage.js';
export { CommitOutcomeUnknownError, isConnectionLost } from './transactions.js';

/** Where the data lives: a PostgreSQL server, or embedded PGlite in a folder (null: in memory). */
export type DatabaseTarget =
  | {
      kind: 'postgres';
      url: string;
      poolMax: number;
      /** The owner role's URL (DATABASE_MIGRATION_URL): migrations run as it, then `url`'s role is granted what the bot needs. */
      migrationUrl?: string | null;
    }
  | {
      kind: 'pglite';
      dir: string | null;
      lockWaitSeconds?: number;
      /**
       * In memory only (`dir` null): start from this dump of a migrated database (PGlite
       * `dumpDataDir`) instead of an empty one. Creating an empty PGlite database and migrating
       * it takes 10-15 s on a 2-core machine, loading a dump 2-3 s; the test suite opens one per file.
       */
      template?: Blob;
    };

/** How openDatabase treats a bot role that could switch the audit log off (two-role mode only). */
export interface OpenOptions {
  /** Refuse to open (AuditTamperableError) instead of warning; set under NODE_ENV=production. */
  production?: boolean;
  /** Where the warning goes when not refusing. */
  warn?: (message: string) => void;
}

/**
 * Timestamped migrations, in order; a static list so bundlers and tsx need no file-system scan.
 * Append only: a migration that has landed is never edited, or databases that ran it miss the change.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026-11-20T00-initial': initial,
  '2026-11-21T00-review-schedule': reviewSchedule,
  '2026-11-21T01-actions-meetings': actionsMeetings,
  '2026-11-21T02-summaries': summaries,
  '2026-11-21T03-meeting-reminders': meetingReminders,
  '2026-11-21T04-summary-indexes': summaryIndexes,
  '2026-11-21T05-action-ref-ci': actionRefCi,
  '2026-11-29T01-audit-chain': auditChain,
  '2026-11-29T02-action-districts': actionDistricts,
  '2026-11-29T03-current-grade': currentGrade,
  '2026-11-29T04-outbox-due': outboxDue,
  '2026-11-29T06-summary-period': summaryPeriod,
  '2026-11-29T07-agencies-history': agenciesHistory,
  '2026-11-29T08-documents': documents,
  '2026-11-29T09-retention': retention,
  '2026-11-29T10-repeat-index': repeatIndex,
  '2026-11-29T11-occurrences-created': occurrencesCreated,
  '2026-11-29T12-repeat-links': repeatLinks,
  '2026-11-29T13-nchi-decision': nchiDecision,
  '2026-11-29T14-review-outcomes': reviewOutcomes,
  '2026-11-29T15-occurrence-events': occurrenceEvents,
  '2026-11-29T20-summary-daily': summaryDaily,
  '2026-11-29T21-summary-triggers-static': summaryTriggersStatic,
  '2026-11-29T22-unused-occurrence-indexes': unusedOccurrenceIndexes,
};

/** Thrown when another process holds the embedded database folder. */
export class DatabaseBusyError extends Error {}

/** Thrown (production, two-role mode) when the bot's own role could alter or switch off the audit log. */
export class AuditTamperableError extends Error {}

/**
 * PGlite is single-process: two processes on one folder corrupt it. A lock beside the data
 * (refreshed every 5 s, stale after 15 s, so a killed process's lock lapses) keeps a second
 * bot or script out; a restart right after a crash waits for the stale lock instead of failing.
 */
async function lockFolder(dir: string, waitSeconds: number): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dir, {
      lockfilePath: `${dir}/.hcc.lock`,
      stale: 15_000,
      update: 5_000,
      retries: { retries: waitSeconds, minTimeout: 1_000, maxTimeout: 1_000 },
      // A long event-loop stall can miss a refresh; carry on rather than crash the bot mid-work.
      onCompromised: () => undefined,
    });
  } catch (e) {
    throw new DatabaseBusyError(
      `the embedded database in ${dir} is in use by another process (a running bot?): stop it first, or set DATABASE_URL to share a PostgreSQL server (${(e as Error).message})`,
    );
  }
}

/**
 * Opens the database and applies pending migrations: as the owner role when the target has a
 * `migrationUrl` (then the bot's role is granted what it needs and checked, docs/audit.md),
 * else on the bot's own connection.
 * @throws DatabaseBusyError when another process holds the embedded database folder
 * @throws AuditTamperableError with `options.production` when the bot's role could switch the audit log off
 * @throws Error naming the failed migration, or the connection error
 */
export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Kysely<Database>> {
  let db: Kysely<Database>;
  if (target.kind === 'postgres') {
    // timestamptz and jsonb parse to Date and objects by default; int8 (counts) stays a string, converted where read.
    // JIT off for these connections: the bot's queries are short, and in the summary benchmark at
    // 1,000,000 occurrences JIT compilation alone took 175 ms of a 1 s query.
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolMax, options: '-c jit=off' });
    // An idle connection the server closes (restart, failover, admin terminate) is an 'error' on
    // the pool; unhandled, it would end the process. The pool drops that client and the next
    // query connects afresh; errors of queries themselves still reach their callers.
    pool.on('error', () => undefined);
    // A connection lost while checked out (mid-request, mid-transaction) is an 'error' on that
    // client, which pg-pool listens to only while it is idle: unhandled, it too would end the
    // process. The query in flight (or the next one) fails with the error and reaches its
    // caller; on release the pool discards the broken client, so the next request reconnects.
    pool.on('connect', (client) => client.on('error', () => undefined));
    db = new Kysely<Database>({ dialect: resilient(new PostgresDialect({ pool })) });
    if (target.migrationUrl) {
      try {
        await migrateAsOwner(db, target.migrationUrl, options);
      } catch (e) {
        await db.destroy();
        throw e;
      }
      return db;
    }
  } else {
    let release: (() => Promise<void>) | null = null;
    if (target.dir) {
      mkdirSync(target.dir, { recursive: true });
      release = await lockFolder(target.dir, target.lockWaitSeconds ?? 20);
    }
    // Loaded here, not at the top: a bot on PostgreSQL never needs the embedded engine (less memory held).
    const [{ PGlite: Engine }, { PGliteDialect }] = await Promise.all([import('@electric-sql/pglite'), import('kysely-pglite-dialect')]);
    const client: PGlite = target.dir ? new Engine(target.dir) : new Engine(target.template ? { loadDataDir: target.template } : {});
    await client.waitReady;
    if (release) {
      const close = client.close.bind(client);
      const unlock = release;
      client.close = async () => {
        try {
          await close();
        } finally {
          await unlock().catch(() => undefined);
        }
      };
    }
    // Each statement text is parsed and planned once, not on every run (pglite-statements.ts).
    db = new Kysely<Database>({ dialect: resilient(new PGliteDialect((await withStatementCache(client)) as PGlite)) });
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return db;
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed)
    throw new Error(
      `database migration ${failed?.migrationName ?? ''} failed: ${(error as Error | undefined)?.message ?? 'unknown error'}`,
    );
}

/**
 * Two-role mode: migrates as the owner (DATABASE_MIGRATION_URL), grants the bot's role (the one
 * `app` logs in as) what it needs, then checks from the bot's side that it cannot switch the
 * audit log off.
 * @throws Error when the two URLs name different databases or a migration fails;
 *   AuditTamperableError in production when the bot's role is a superuser or owns the log
 */
async function migrateAsOwner(app: Kysely<Database>, migrationUrl: string, options: OpenOptions): Promise<void> {
  const ownerPool = new pg.Pool({ connectionString: migrationUrl, max: 1 });
  ownerPool.on('error', () => undefined);
  const owner = new Kysely<Database>({ dialect: new PostgresDialect({ pool: ownerPool }) });
  try {
    const who = sql<{ role: string; db: string }>`select current_user as role, current_database() as db`;
    const [mine, theirs] = [(await who.execute(app)).rows[0]!, (await who.execute(owner)).rows[0]!];
    if (mine.db !== theirs.db)
      throw new Error(`DATABASE_MIGRATION_URL is database ${theirs.db} but DATABASE_URL is ${mine.db}: they must name the same database`);
    await migrate(owner);
    if (mine.role !== theirs.role) {
      // One grant step at a time: two bots starting together would otherwise race on the catalogue.
      await owner.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext('hcc:grant-app-role'))`.execute(trx);
        await grantAppRole(trx, mine.role);
      });
    }
  } finally {
    await owner.destroy();
  }
  const risk = await auditTamperRisk(app);
  if (risk.problems.length === 0) return;
  const message = `the audit log is not tamper-evident: the bot's database role ${risk.role} ${risk.problems.join(' and ')}; give DATABASE_URL a login role that owns nothing (docs/audit.md)`;
  if (options.production) throw new AuditTamperableError(message);
  options.warn?.(message);
}

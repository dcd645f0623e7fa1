import { sql, type Kysely } from 'kysely';
import { afterAll, inject } from 'vitest';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { startBot, type BotOptions, type RunningBot } from '../../bot/app.js';
import { loadConfig, type Config } from '../../bot/config.js';
import { openDatabase, type DatabaseTarget } from '../../db/database.js';
import { forgetWrittenReferences } from '../../db/conversations/conversations.service.js';
import type { Database } from '../../db/schema.js';
import { forgetKnownUsers } from '../../db/users/users.service.js';
import { FakeConnector } from './fake-connector.js';
import { nextSeq } from './teams.js';

/** The database the suite runs against: PostgreSQL when DATABASE_URL is set, else PGlite. */
export const baseTarget: DatabaseTarget = loadConfig(process.env).database;
export const dbKind = baseTarget.kind;

/** A fresh, migrated, empty database; `drop` removes it. */
export async function freshDatabase(): Promise<{ db: Kysely<Database>; target: DatabaseTarget; drop: () => Promise<void> }> {
  if (baseTarget.kind === 'pglite') {
    const template = inject('pgliteTemplate');
    const target: DatabaseTarget = { kind: 'pglite', dir: null, ...(template ? { template: new Blob([readFileSync(template)]) } : {}) };
    const db = await openDatabase(target);
    return { db, target, drop: () => db.destroy() };
  }
  const name = `hcc_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: baseTarget.url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseTarget.url);
  url.pathname = `/${name}`;
  const target: DatabaseTarget = { kind: 'postgres', url: url.toString(), poolMax: 10 };
  const db = await openDatabase(target);
  return {
    db,
    target,
    drop: async () => {
      await db.destroy();
      const a = new pg.Client({ connectionString: baseTarget.url });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** Empties every table (the audit log's append-only trigger is bypassed for the test reset only). */
export async function resetDatabase(db: Kysely<Database>): Promise<void> {
  const tables = await sql<{
    tablename: string;
  }>`select tablename from pg_tables where schemaname = current_schema() and tablename not like 'kysely%'`.execute(db);
  const list = tables.rows.map((t) => `"${t.tablename}"`).join(', ');
  await db.connection().execute(async (c) => {
    await sql`set session_replication_role = replica`.execute(c);
    await sql.raw(`truncate ${list} restart identity cascade`).execute(c);
    await sql`set session_replication_role = origin`.execute(c);
  });
  // The bot skips rewriting a conversation reference it wrote moments ago; after emptying the tables it must write again.
  forgetWrittenReferences(db);
  // Likewise a sender resolved moments ago names a user row that is gone.
  forgetKnownUsers();
}

let shared: ReturnType<typeof freshDatabase> | null = null;
/** One migrated database per test file, emptied before each use (booting PGlite per test is slow). */
async function sharedDatabase(): Promise<Kysely<Database>> {
  shared ??= freshDatabase();
  const { db } = await shared;
  await resetDatabase(db);
  return db;
}
afterAll(async () => {
  if (shared) await (await shared).drop();
  shared = null;
});

export const TEST_KEY = 'test-ingest-key-0123456789';

/** Settings NODE_ENV=production accepts (credentials of a single-tenant app, a 32-character feed key); add DATABASE_URL. */
export const PRODUCTION_SETTINGS = {
  NODE_ENV: 'production',
  MicrosoftAppId: '6f1d0a5e-1c2b-4d3e-8f40-5a6b7c8d9e0f',
  MicrosoftAppPassword: 'client-secret-value',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
  INGEST_API_KEY: 'production-feed-key-0123456789abcdef',
} as const;

/** A test clock that only moves when told. */
export class TestClock {
  constructor(public current = new Date('2026-11-20T10:00:00Z')) {}
  now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface Harness {
  bot: RunningBot;
  connector: FakeConnector;
  config: Config;
  clock: TestClock;
  db: Kysely<Database>;
  /** Sends an activity to /api/messages as Teams would; returns the HTTP status and JSON body. */
  send(activity: Record<string, unknown>): Promise<{ status: number; body: any }>;
  ingest(body: unknown, key?: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * Boots the real restify server and Teams adapter on a free port with an empty database and a
 * fake Bot Connector. The outbox poller is off: tests call `bot.dispatcher.drain()`.
 */
export async function bootHarness(
  env: Record<string, string> = {},
  options: BotOptions & { shared?: { db: Kysely<Database>; connector: FakeConnector } } = {},
): Promise<Harness> {
  const db = options.shared?.db ?? (await sharedDatabase());
  const connector = options.shared?.connector ?? new FakeConnector();
  if (!options.shared) await connector.start();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', INGEST_API_KEY: TEST_KEY, LOG_LEVEL: 'silent', ...env });
  const clock = new TestClock();
  const bot = await startBot(config, {
    db,
    clock: clock.now,
    dispatcher: false,
    jobs: false,
    logger: pino({ level: 'silent' }),
    ...options,
  });
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${bot.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    bot,
    connector,
    config,
    clock,
    db,
    send: (activity) => post('/api/messages', { serviceUrl: connector.url, channelId: 'msteams', ...activity }),
    ingest: (body, key = TEST_KEY) => post('/api/occurrences', body, { authorization: `Bearer ${key}` }),
    async close() {
      await bot.stop();
      if (!options.shared) await connector.stop();
    },
  };
}

// The Teams-shaped activity builders live in teams.ts (no vitest hooks there); re-exported for the tests.
export { channel, executeInvoke, message, people, personal } from './teams.js';

/** A valid feed occurrence; override any field. */
export function occurrence(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const seq = nextSeq();
  return {
    reference: `13/${100000 + seq}/26`,
    source: 'rms',
    recordedAs: 'crime',
    offence: 'Racially or religiously aggravated harassment',
    strands: ['race'],
    flaggedAt: '2026-11-20T09:30:00+00:00',
    district: 'Leeds',
    location: { ref: `L-${seq}`, type: 'street' },
    victims: [{ ref: `P-V${seq}`, enhanced: true }],
    suspects: [{ ref: `P-S${seq}` }],
    summary: 'Victim subjected to racist abuse in the street.',
    oic: { upn: 'pc.officer@force.police.uk', name: 'PC 1234 Officer' },
    supervisor: { upn: 'ds.super@force.police.uk', name: 'DS Super' },
    ...overrides,
  };
}

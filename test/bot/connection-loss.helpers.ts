/** Helpers for connection-loss.test.ts and connection-loss.postgres.test.ts: what the user is told, coordinators, review submits, and an admin's view of the bot's backends. */
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql, type Dialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { MIGRATIONS } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { resilient } from '../../db/transactions.js';
import { dbKind, freshDatabase, type Harness } from '../helpers/harness.js';
import { ALL_YES, executeInvoke, personal } from '../helpers/teams.js';

/** What the user is told when their review was not saved. */
const NOT_SAVED = 'Not saved: the bot lost its connection to the database';
/** The answer shows the saved review by `name`. */
export const savedBy = (body: unknown, name: string) => JSON.stringify(body).includes(`Reviewed by ${name}`);
/** The answer says the review was not saved. */
export const notSaved = (body: unknown) => JSON.stringify(body).includes(NOT_SAVED);

/** Coordinator number `i` (local mode with no roster: every user is a coordinator). */
export const coordinator = (i: number) => ({ id: `29:coord-${i}`, aadObjectId: `aad-coord-${i}`, name: `Coordinator ${i}` });

/** A complete, valid set of review answers. */
export const allYes = ALL_YES;

/** A first review (version 0 expected) of an occurrence, submitted from the user's personal chat. */
export function submit(h: Harness, occurrenceId: string, from: ReturnType<typeof coordinator>) {
  return h.send(executeInvoke('review.submit', { occurrenceId, expectedVersion: 0, ...allYes }, 'x', from, personal(from)));
}

const ADMIN = 'hcc-test-admin';

/** Runs `fn` with three superuser connections to the bot's database (two to hold locks, one to watch and terminate). */
export async function withAdmin(h: Harness, fn: (a: pg.Client, b: pg.Client, admin: pg.Client) => Promise<void>): Promise<void> {
  const { current_database: name } = (await sql<{ current_database: string }>`select current_database()`.execute(h.db)).rows[0]!;
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  const clients = [0, 1, 2].map(() => new pg.Client({ connectionString: url.toString(), application_name: ADMIN }));
  for (const c of clients) await c.connect();
  try {
    await fn(clients[0]!, clients[1]!, clients[2]!);
  } finally {
    for (const c of clients) await c.end().catch(() => undefined);
  }
}

/** The bot's backends waiting on a lock, once there are `n` of them and none is in `not` (bounded: about 60 s; a busy CI machine runs other test files alongside). */
export async function waitFor(admin: pg.Client, n: number, not: readonly number[] = []): Promise<number[]> {
  let seen: number[] = [];
  for (let i = 0; i < 1200; i++) {
    const r = await admin.query<{ pid: number }>(
      `select pid from pg_stat_activity where datname = current_database() and application_name <> $1 and wait_event_type = 'Lock'`,
      [ADMIN],
    );
    const pids = r.rows.map((x) => x.pid);
    seen = pids;
    if (pids.length === n && !pids.some((p) => not.includes(p))) return pids;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // What every backend of the bot was doing, so a failure says where the missing submit was.
  const all = await admin.query<{ pid: number; state: string | null; wait: string | null; query: string }>(
    `select pid, state, wait_event_type || ':' || wait_event as wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 80) as query
     from pg_stat_activity where datname = current_database() and application_name <> $1`,
    [ADMIN],
  );
  throw new Error(
    `never saw ${n} of the bot's connections waiting on a lock (last: ${seen.length}, ${seen.filter((p) => not.includes(p)).length} of them old); ` +
      `the bot's backends: ${JSON.stringify(all.rows)}`,
  );
}

/** Terminates every connection the bot has to its database (busy or idle), as a restart or failover would. */
export async function dropConnections(admin: pg.Client): Promise<void> {
  const r = await admin.query(
    `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name <> $1 and pid <> pg_backend_pid()`,
    [ADMIN],
  );
  if (!r.rowCount) throw new Error('no connection of the bot to terminate');
}

/**
 * Runs `during` while the bot's database refuses new connections and the bot's existing ones are
 * terminated (a server restarting or failing over); `admin` stays connected. Connections are let
 * back in afterwards, whatever happened.
 */
export async function outage(h: Harness, during: (admin: pg.Client) => Promise<void>): Promise<void> {
  await withAdmin(h, async (admin) => {
    const { rows } = await admin.query<{ db: string }>('select current_database() as db');
    const db = `"${rows[0]!.db}"`;
    // A database's own sessions may not close it: the switch is thrown from the server's default database.
    const ctl = new pg.Client({ connectionString: process.env.DATABASE_URL, application_name: ADMIN });
    await ctl.connect();
    try {
      await ctl.query(`alter database ${db} allow_connections false`);
      await dropConnections(admin);
      await during(admin);
    } finally {
      await ctl.query(`alter database ${db} allow_connections true`);
      await ctl.end();
    }
  });
}

/**
 * A migrated database (of the suite's kind) whose connection "drops" just after the statement
 * that saved the first review (db/reviews/review-save.ts: one statement, its own transaction)
 * was carried out: the commit went through, its reply was lost. Nothing can time a real drop
 * there, so the driver's connections are wrapped (then made resilient as the bot's is).
 */
export async function databaseLosingCommitReply(): Promise<{ db: Kysely<Database>; fired: () => boolean; drop: () => Promise<void> }> {
  let inner: Dialect;
  let cleanup: () => Promise<void>;
  if (dbKind === 'postgres') {
    const f = await freshDatabase();
    await f.db.destroy().catch(() => undefined);
    inner = new PostgresDialect({ pool: new pg.Pool({ connectionString: (f.target as { url: string }).url, max: 4 }) });
    cleanup = f.drop;
  } else {
    inner = new PGliteDialect(new PGlite());
    cleanup = async () => undefined;
  }
  const state = { fired: false };
  const wrapped = new WeakSet<object>();
  const lying: Dialect = {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (d) => inner.createIntrospector(d),
    createDriver: () => {
      const d = inner.createDriver();
      const acquire = d.acquireConnection.bind(d);
      d.acquireConnection = async () => {
        const c = await acquire();
        if (wrapped.has(c)) return c; // PGlite hands out one connection again and again
        wrapped.add(c);
        const execute = c.executeQuery.bind(c);
        c.executeQuery = (async (q: Parameters<typeof c.executeQuery>[0]) => {
          const result = await execute(q);
          if (!state.fired && /insert into reviews/.test(q.sql)) {
            state.fired = true;
            throw new Error('Connection terminated unexpectedly');
          }
          return result;
        }) as typeof c.executeQuery;
        return c;
      };
      return d;
    },
  };
  const db = new Kysely<Database>({ dialect: resilient(lying) });
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } }).migrateToLatest();
  if (error) throw error;
  return {
    db,
    fired: () => state.fired,
    drop: async () => {
      await db.destroy();
      await cleanup();
    },
  };
}

/**
 * Database targets for `npm run bench`: fresh in-memory PGlite instances, or fresh throw-away
 * PostgreSQL databases (`hcc_bench_<random>`) created on a server and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { openDatabase, type DatabaseTarget } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { settle } from './settle.js';

/** Where a benchmark runs: embedded PGlite in memory, or a PostgreSQL server. */
export type Backend = { kind: 'pglite' } | { kind: 'postgres'; serverUrl: string };

/** A database to benchmark on and how to remove it (after its connections are closed). */
export interface BenchTarget {
  target: DatabaseTarget;
  /** The value of DATABASE_URL for a bot config on this target, or undefined for PGlite. */
  databaseUrl: string | undefined;
  drop(): Promise<void>;
}

/** Whether a PostgreSQL server answers at `url`; the error text when not. */
export async function probePostgres(url: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message || String(e) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function admin<T>(serverUrl: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database on the backend (not yet opened or migrated). */
export async function freshTarget(backend: Backend): Promise<BenchTarget> {
  if (backend.kind === 'pglite') {
    return { target: { kind: 'pglite', dir: null }, databaseUrl: undefined, drop: async () => undefined };
  }
  const name = `hcc_bench_${randomBytes(6).toString('hex')}`;
  await admin(backend.serverUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(backend.serverUrl);
  url.pathname = `/${name}`;
  return {
    target: { kind: 'postgres', url: url.toString(), poolMax: 10 },
    databaseUrl: url.toString(),
    drop: () => admin(backend.serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/**
 * Runs `work` on a fresh, migrated database of the backend, then closes it and (PostgreSQL)
 * waits for its sessions to end before dropping it.
 */
export async function withFreshDatabase<T>(backend: Backend, work: (db: Kysely<Database>, target: BenchTarget) => Promise<T>): Promise<T> {
  const target = await freshTarget(backend);
  try {
    const db = await openDatabase(target.target);
    try {
      return await work(db, target);
    } finally {
      await db.destroy();
    }
  } finally {
    await settle(target);
    await target.drop();
  }
}

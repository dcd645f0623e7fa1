/**
 * Waits until a throw-away PostgreSQL database has no more sessions before it is dropped.
 * pg-pool's end() (Kysely's destroy()) resolves once it has asked its clients to end, not when
 * the server has closed them; `drop database … with (force)` would then terminate them, and the
 * FATAL they receive surfaces as an unhandled pool 'error' that kills the process.
 */
import pg from 'pg';
import type { DatabaseTarget } from '../../db/database.js';

/** Resolves once the target's PostgreSQL database has no sessions left (or after `timeoutMs`); no-op for PGlite. */
export async function settle(target: { target: DatabaseTarget }, timeoutMs = 5000): Promise<void> {
  if (target.target.kind !== 'postgres') return;
  const url = new URL(target.target.url);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const res = await client.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name]);
      if (Number(res.rows[0]!.n) === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await client.end();
  }
}

/** Helpers for connection-loss.test.ts: coordinators, review submits, and an admin's view of the bot's backends. */
import { sql } from 'kysely';
import pg from 'pg';
import type { Harness } from '../helpers/harness.js';
import { executeInvoke, personal } from '../helpers/teams.js';

/** Coordinator number `i` (local mode with no roster: every user is a coordinator). */
export const coordinator = (i: number) => ({ id: `29:coord-${i}`, aadObjectId: `aad-coord-${i}`, name: `Coordinator ${i}` });

/** A complete, valid set of review answers. */
export const allYes = {
  item_flag_strands: 'yes',
  item_recording_decision: 'yes',
  item_investigation_plan: 'yes',
  item_victim_contact_24h: 'yes',
  item_victims_code: 'yes',
  item_repeats_checked: 'yes',
  item_partner_referrals: 'na',
  item_rms_endorsed: 'yes',
  riskGrade: 'standard',
};

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

/** The bot's backends waiting on a lock, once there are `n` of them and none is in `not` (bounded: 15 s). */
export async function waitFor(admin: pg.Client, n: number, not: readonly number[] = []): Promise<number[]> {
  let seen: number[] = [];
  for (let i = 0; i < 300; i++) {
    const r = await admin.query<{ pid: number }>(
      `select pid from pg_stat_activity where datname = current_database() and application_name <> $1 and wait_event_type = 'Lock'`,
      [ADMIN],
    );
    const pids = r.rows.map((x) => x.pid);
    seen = pids;
    if (pids.length === n && !pids.some((p) => not.includes(p))) return pids;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never saw ${n} of the bot's connections waiting on a lock (last: ${seen.length}, ${seen.filter((p) => not.includes(p)).length} of them old)`);
}

/** Terminates every connection the bot has to its database (busy or idle), as a restart or failover would. */
export async function dropConnections(admin: pg.Client): Promise<void> {
  const r = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name <> $1 and pid <> pg_backend_pid()`, [ADMIN]);
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

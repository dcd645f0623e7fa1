import { sql, type Kysely } from 'kysely';

/**
 * Issue 13 item 6: compliance counts from when the bot went live, the earliest `created_at` of any
 * occurrence (db/summary/work.queries.ts `complianceStart`), asked on every summary. An index
 * makes that `min()` one index probe instead of a scan of every occurrence.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index occurrences_created_idx on occurrences (created_at)`.execute(db);
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists occurrences_created_idx`.execute(db);
}

import { sql, type Kysely } from 'kysely';

/**
 * Issue 12 item 3: a victim-support referral recorded as made names the service it went to
 * (db/schedule/outcomes.policy.ts). Null for every other answer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table scheduled_reviews add column service text`.execute(db);
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table scheduled_reviews drop column if exists service`.execute(db);
}

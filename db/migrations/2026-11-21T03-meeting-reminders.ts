import type { Kysely } from 'kysely';

/**
 * Issue 4, after 2026-11-21T01 landed: when a meeting's update prompts and nudges were queued,
 * one meeting per series and date, and the index the meeting pack reads updates by date with.
 * (Landed migrations are never edited: databases that ran them would miss the change.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('meetings').addColumn('prompts_sent_at', 'timestamptz').execute();
  await db.schema.alterTable('meetings').addColumn('nudges_sent_at', 'timestamptz').execute();
  // Two replicas extending a recurring series insert the same next meeting once.
  await db.schema.createIndex('meetings_series_starts_uq').on('meetings').columns(['series_id', 'starts_at']).unique().execute();
  await db.schema.createIndex('action_updates_date_idx').on('action_updates').columns(['update_date']).execute();
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('action_updates_date_idx').ifExists().execute();
  await db.schema.dropIndex('meetings_series_starts_uq').ifExists().execute();
  await db.schema.alterTable('meetings').dropColumn('nudges_sent_at').execute();
  await db.schema.alterTable('meetings').dropColumn('prompts_sent_at').execute();
}

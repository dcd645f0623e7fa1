import { sql, type Kysely } from 'kysely';

/**
 * Issue 12 item 6 (retention): the outbox names occurrences and scheduled reviews only inside its
 * JSON payloads, with no foreign key, so erasing an occurrence or a completed review's prompts must
 * find its rows by payload. Two partial indexes, one per payload key and only on the kinds that
 * carry it, let the daily retention job do that by lookup instead of reading the whole outbox.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index outbox_review_card_occurrence_idx on outbox ((payload ->> 'occurrenceId')) where kind = 'review_card'`.execute(db);
  await sql`create index outbox_prompt_review_idx on outbox ((payload ->> 'scheduledReviewId'))
    where kind in ('review_prompt', 'review_prompt_update')`.execute(db);
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists outbox_prompt_review_idx`.execute(db);
  await sql`drop index if exists outbox_review_card_occurrence_idx`.execute(db);
}

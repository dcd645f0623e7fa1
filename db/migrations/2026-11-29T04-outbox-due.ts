import { sql, type Kysely } from 'kysely';

/**
 * Issue 11, item 2: the outbox claim reads only due rows, so its cost does not grow with the
 * history of sent (and given-up) messages, which stay in the table for their dedupe keys.
 *
 * The claim has two branches (db/outbox/outbox.service.ts claimDue): pending rows whose time has
 * come, and rows whose sending lease ran out (a crashed worker). Each gets a partial index that
 * holds only the rows of its status, in the order the claim reads them, so a million sent rows
 * are in neither. The pending index replaces the initial one on `next_attempt_at` alone: `id`
 * breaks ties in claim order, and `conversation_id` is carried for the per-conversation shares.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index outbox_pending_due_idx on outbox (next_attempt_at, id) include (conversation_id) where status = 'pending'`.execute(
    db,
  );
  await sql`create index outbox_sending_lease_idx on outbox (claimed_until, id) include (conversation_id) where status = 'sending'`.execute(
    db,
  );
  await sql`drop index if exists outbox_due_idx`.execute(db);
}

/** Reverts up(): the initial index is back, the two partial indexes go. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists outbox_due_idx on outbox (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`drop index if exists outbox_sending_lease_idx`.execute(db);
  await sql`drop index if exists outbox_pending_due_idx`.execute(db);
}

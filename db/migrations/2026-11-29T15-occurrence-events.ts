import { sql, type Kysely } from 'kysely';

/**
 * Issue 12 item 4: investigation events from the feed (`events`), each a Victims' Code update clock.
 * An event is a fact, identified by its occurrence, type and instant; `seq` numbers an occurrence's
 * events in the order the bot first saw them and never changes, so the `victim_update` review
 * planned for an event (scheduled_reviews.seq = the event's seq) stays the same review however the
 * feed's list grows. `created_at` is when the bot first saw the event (its backfill cutoff).
 * Erasing the occurrence erases its events (cascade; db/retention deletes them explicitly too).
 * The review says which event it is about (event_type, event_at: a copy, as the event never changes).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table occurrence_events (
    occurrence_id uuid not null references occurrences (id) on delete cascade,
    seq integer not null,
    type text not null,
    at timestamptz not null,
    created_at timestamptz not null default now(),
    primary key (occurrence_id, seq),
    unique (occurrence_id, type, at)
  )`.execute(db);
  await sql`alter table scheduled_reviews add column event_type text, add column event_at timestamptz`.execute(db);
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table scheduled_reviews drop column if exists event_type, drop column if exists event_at`.execute(db);
  await sql`drop table if exists occurrence_events`.execute(db);
}

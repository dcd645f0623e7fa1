import { sql, type Kysely } from 'kysely';

/**
 * Issue 10, item 8: delivery-plan actions belong to districts, and columns nothing reads go.
 * - `actions.district` was never set, so a district summary counted the whole force's actions.
 *   Existing actions get their holder's district where the plan says it: the holder (the person,
 *   or an agency's named contact) is on the roster with exactly one district other than `*`.
 *   Every other action stays force-wide (null), as before. (db/actions/districts.ts: the same
 *   rule for new, imported and re-assigned actions.)
 * - `meetings.nudges_sent_at` was written but never read (nudges are deduplicated per action in
 *   the outbox by their own keys).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update actions a set district = u.districts[1]
    from users u
    where a.district is null and u.on_roster and cardinality(u.districts) = 1 and u.districts[1] <> '*'
      and (u.id = a.owner_user_id or (a.owner_user_id is null and a.owner_upn is not null and lower(u.upn) = lower(a.owner_upn)))`.execute(db);
  // District summaries match action districts case-insensitively, as they match occurrences.
  await sql`create index actions_district_ci_idx on actions (lower(district))`.execute(db);
  await db.schema.alterTable('meetings').dropColumn('nudges_sent_at').execute();
}

/** Reverts up(): the column comes back empty; the districts set stay (they are what the plan says). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('meetings').addColumn('nudges_sent_at', 'timestamptz').execute();
  await db.schema.dropIndex('actions_district_ci_idx').ifExists().execute();
}

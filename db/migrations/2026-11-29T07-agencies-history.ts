import { sql, type Kysely } from 'kysely';

/**
 * Issue 13, items 1 and 3: agencies' named contacts and an action's full history.
 * - `users.agency`: the roster's optional agency column; a user listed with an agency is one of
 *   its named contacts (they get the prompts and chases of that agency's actions and may update them).
 * - `action_updates.update_date` may be null: an update imported without a date is kept as
 *   "undated (imported)", never stamped with the import day, so it never counts as an update
 *   since a meeting. Existing rows keep their dates (which imports they came from is not known).
 * - `action_updates.imported`: the entry came from a plan file, so re-importing the same row with
 *   changed text revises that entry (`revised_at`) instead of adding a second one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('agency', 'text').execute();
  await sql`create index users_agency_ci_idx on users (lower(agency)) where agency is not null`.execute(db);
  await sql`alter table action_updates alter column update_date drop not null`.execute(db);
  await db.schema
    .alterTable('action_updates')
    .addColumn('imported', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema.alterTable('action_updates').addColumn('revised_at', 'timestamptz').execute();
}

/** Reverts up(); undated updates take the day they were stored. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update action_updates set update_date = created_at::date where update_date is null`.execute(db);
  await sql`alter table action_updates alter column update_date set not null`.execute(db);
  await db.schema.alterTable('action_updates').dropColumn('revised_at').execute();
  await db.schema.alterTable('action_updates').dropColumn('imported').execute();
  await db.schema.dropIndex('users_agency_ci_idx').ifExists().execute();
  await db.schema.alterTable('users').dropColumn('agency').execute();
}

import { sql, type Kysely } from 'kysely';

/**
 * Action refs are looked up case-insensitively (`action x1` finds X1), so they must be unique
 * that way too: two coordinators assigning `X1` and `x1` at once would otherwise both succeed,
 * and later lookups would pick either. The index also serves those lookups.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create unique index actions_ref_ci_uq on actions (lower(ref))`.execute(db);
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('actions_ref_ci_uq').ifExists().execute();
}

import { sql, type Kysely } from 'kysely';

/**
 * Issue 11, item 5: repeat counts that cost what the period costs. A summary takes the people of
 * its period's occurrences and, for each, counts their occurrences in the repeat window:
 * `occurrence_people_role_ref_idx` finds a person's occurrences by role and ref (the id in the
 * key, so from the index alone), and `occurrences_id_flagged_idx` gives each one's flag time from
 * the index alone (the primary key would read the table row). Maintained by PostgreSQL itself:
 * no trigger, so imports stay cheap.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index occurrence_people_role_ref_idx on occurrence_people (role, person_ref, occurrence_id)`.execute(db);
  await sql`create index occurrences_id_flagged_idx on occurrences (id) include (flagged_at)`.execute(db);
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists occurrences_id_flagged_idx`.execute(db);
  await sql`drop index if exists occurrence_people_role_ref_idx`.execute(db);
}

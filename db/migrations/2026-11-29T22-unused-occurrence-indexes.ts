import { sql, type Kysely } from 'kysely';

/**
 * Issue 11: three indexes on occurrences that no query reads any more, each a cost on every write
 * of an occurrence (its current grade on every review save, feed updates, imports). Dropping them
 * halved the update of an occurrence's grade on PGlite (0.65 to 0.33 ms):
 * - `occurrences_location_idx` (location_ref, flagged_at): repeat counts and the review card find
 *   an occurrence's location repeats through `repeat_links` (migration 2026-11-29T12);
 * - `occurrences_district_flagged_idx` (district, flagged_at): every district match is
 *   case-insensitive, served by `occurrences_district_ci_idx`; the list of known districts reads
 *   the daily rollup (migration 2026-11-29T20);
 * - `occurrences_current_grade_idx` (current_risk_grade, flagged_at): open high-risk counts use
 *   `occurrences_open_high_idx`, and the period's grades come with `occurrences_period_cover_idx`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const index of ['occurrences_location_idx', 'occurrences_district_flagged_idx', 'occurrences_current_grade_idx'])
    await sql`drop index if exists ${sql.raw(index)}`.execute(db);
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists occurrences_location_idx on occurrences (location_ref, flagged_at)`.execute(db);
  await sql`create index if not exists occurrences_district_flagged_idx on occurrences (district, flagged_at)`.execute(db);
  await sql`create index if not exists occurrences_current_grade_idx on occurrences (current_risk_grade, flagged_at)
    where current_risk_grade is not null`.execute(db);
}

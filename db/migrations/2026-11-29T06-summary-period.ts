import { sql, type Kysely } from 'kysely';

/**
 * Issue 11, item 5: indexes that let a summary read only its period's rows, from the index alone.
 *
 * - The occurrence figures of both periods (type, source, district, strands, current grade)
 *   come from one range scan of `occurrences_period_cover_idx`; it replaces
 *   `occurrences_flagged_cover_idx` (same key, plus the grade), which the chart and the repeats
 *   read too.
 * - Open high-risk occurrences: a partial index of just those rows, by district, instead of
 *   every high grade ever given.
 * - Outcomes of occurrences closed in the period: their outcome, satisfaction and district
 *   travel in the closure index, so no table row is read (PostgreSQL reads an expression from
 *   the index alone only when the columns it is made of are in it too, hence closed_at and
 *   flagged_at); it replaces `occurrences_closed_idx` (same key and condition), which the
 *   scrutiny packs read too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index occurrences_period_cover_idx on occurrences (flagged_at)
    include (id, recorded_as, source, district, strands, current_risk_grade)`.execute(db);
  await sql`drop index occurrences_flagged_cover_idx`.execute(db);
  await sql`create index occurrences_open_high_idx on occurrences (lower(district)) where current_risk_grade = 'high' and status = 'open'`.execute(db);
  await sql`create index occurrences_closed_cover_idx on occurrences ((coalesce(closed_at, flagged_at)))
    include (outcome, victim_satisfied, district, closed_at, flagged_at) where status <> 'open'`.execute(db);
  await sql`drop index occurrences_closed_idx`.execute(db);
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index occurrences_closed_idx on occurrences ((coalesce(closed_at, flagged_at))) where status <> 'open'`.execute(db);
  await sql`drop index if exists occurrences_closed_cover_idx`.execute(db);
  await sql`drop index if exists occurrences_open_high_idx`.execute(db);
  await sql`create index occurrences_flagged_cover_idx on occurrences (flagged_at) include (id, recorded_as, source, district, strands)`.execute(db);
  await sql`drop index if exists occurrences_period_cover_idx`.execute(db);
}

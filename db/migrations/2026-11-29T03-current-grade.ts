import { sql, type Kysely } from 'kysely';

/**
 * Issue 11, item 5: an occurrence carries its current review (the latest version and its risk
 * grade), so summaries read the grade from the occurrence row instead of looking up each
 * occurrence's latest review, and a submit learns the current version from the row it locks.
 *
 * A trigger keeps the two columns in step with `reviews` inside the inserting transaction, so
 * every writer (the review card, imports, tests' seeds) keeps them right and none can forget to.
 * It only ever moves forward: an older version inserted late never overwrites a newer one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table occurrences
    add column current_review_version integer not null default 0,
    add column current_risk_grade text,
    add column current_reviewed_at timestamptz`.execute(db);
  await sql`update occurrences o set current_review_version = r.version, current_risk_grade = r.risk_grade, current_reviewed_at = r.reviewed_at
    from (select distinct on (occurrence_id) occurrence_id, version, risk_grade, reviewed_at from reviews order by occurrence_id, version desc) r
    where r.occurrence_id = o.id`.execute(db);
  await sql`create function occurrences_current_review() returns trigger language plpgsql as $$
    begin
      update occurrences set current_review_version = new.version, current_risk_grade = new.risk_grade, current_reviewed_at = new.reviewed_at
      where id = new.occurrence_id and current_review_version < new.version;
      return null;
    end $$`.execute(db);
  await sql`create trigger reviews_current after insert on reviews for each row execute function occurrences_current_review()`.execute(db);
  // Open high-risk occurrences are read by grade; only graded rows are indexed.
  await sql`create index occurrences_current_grade_idx on occurrences (current_risk_grade, flagged_at) where current_risk_grade is not null`.execute(
    db,
  );
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists reviews_current on reviews`.execute(db);
  await sql`drop function if exists occurrences_current_review()`.execute(db);
  await sql`drop index if exists occurrences_current_grade_idx`.execute(db);
  await sql`alter table occurrences drop column current_review_version, drop column current_risk_grade, drop column current_reviewed_at`.execute(db);
}

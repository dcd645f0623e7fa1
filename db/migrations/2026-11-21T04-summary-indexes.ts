import { sql, type Kysely } from 'kysely';

/**
 * Issue 5 (after the empty 2026-11-21T02 placeholder landed): indexes that fit the summary
 * queries (db/summary/*.queries.ts), and the short-lived download links of scrutiny-pack CSV files.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Force-level summaries and the 12-month chart: a range on flagged_at, read from the index alone
  // (id too: the risk mix joins each occurrence to its latest grade).
  await sql`create index occurrences_flagged_cover_idx on occurrences (flagged_at) include (id, recorded_as, source, district, strands)`.execute(db);
  // District summaries match districts case-insensitively (the feed keeps the spelling it was given).
  await sql`create index occurrences_district_ci_idx on occurrences (lower(district), flagged_at) include (recorded_as, source, strands)`.execute(db);
  // Officers and supervisors see their own occurrences.
  await sql`create index occurrences_oic_ci_idx on occurrences (lower(oic_upn), flagged_at)`.execute(db);
  await sql`create index occurrences_supervisor_ci_idx on occurrences (lower(supervisor_upn), flagged_at)`.execute(db);
  // Outcomes and scrutiny samples: closed or filed occurrences by closure time (flag time when unknown).
  await sql`create index occurrences_closed_idx on occurrences ((coalesce(closed_at, flagged_at))) where status <> 'open'`.execute(db);
  // The latest grade of an occurrence, read from the index alone.
  await sql`create index reviews_latest_idx on reviews (occurrence_id, version desc) include (risk_grade)`.execute(db);
  // Open high-risk cases start from the (few) high grades.
  await sql`create index reviews_high_idx on reviews (occurrence_id, version) where risk_grade = 'high'`.execute(db);
  // Review compliance over reviews due in a period, whatever their status.
  await sql`create index scheduled_reviews_due_cover_idx on scheduled_reviews (due_at) include (occurrence_id, kind, status, completed_at, owner_role)`.execute(db);

  await db.schema
    .createTable('summary_exports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('downloads', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('summary_exports_expires_idx').on('summary_exports').column('expires_at').execute();
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('summary_exports').ifExists().execute();
  for (const i of ['scheduled_reviews_due_cover_idx', 'reviews_high_idx', 'reviews_latest_idx', 'occurrences_closed_idx', 'occurrences_supervisor_ci_idx', 'occurrences_oic_ci_idx', 'occurrences_district_ci_idx', 'occurrences_flagged_cover_idx']) {
    await db.schema.dropIndex(i).ifExists().execute();
  }
}

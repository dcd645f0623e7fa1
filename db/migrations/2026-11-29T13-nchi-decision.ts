import { sql, type Kysely } from 'kysely';

/**
 * Issue 12 item 5 (NCHI_POLICY=code-2023): an NCHI's review records the NCHI Code of Practice 2023
 * decisions: whether the threshold is met, and whether the subject's personal data is kept (only for
 * a real risk of significant harm or of a future criminal offence). Null on crime reviews and on
 * NCHI reviews saved before the decision was asked.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table reviews
    add column nchi_threshold_met boolean,
    add column nchi_subject_refs text check (nchi_subject_refs in ('keep_harm', 'keep_offence', 'remove'))`.execute(db);
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table reviews drop column if exists nchi_subject_refs, drop column if exists nchi_threshold_met`.execute(db);
}

import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.js';
import { freshDatabase } from '../helpers/harness.js';

/** Migration 2026-11-29T03: the occurrence row carries its latest review's version and grade. */
describe('current review on the occurrence', () => {
  let db: Kysely<Database>;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await freshDatabase());
  });
  afterAll(async () => drop());

  const insertReview = (occurrenceId: string, version: number, grade: string) =>
    db
      .insertInto('reviews')
      .values({
        occurrence_id: occurrenceId,
        version,
        risk_grade: grade,
        reviewer_name: 'HCC',
        reviewed_at: new Date(`2026-11-2${version}T10:00:00Z`),
      })
      .execute();

  it('follows each new version and never goes back to an older one', async () => {
    const { id } = await db
      .insertInto('occurrences')
      .values({
        source: 'test',
        reference: 'CG/1',
        recorded_as: 'crime',
        strands: ['race'],
        flagged_at: new Date('2026-11-20T09:00:00Z'),
        district: 'North',
        status: 'open',
        content_hash: 'x',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const current = () =>
      db
        .selectFrom('occurrences')
        .select(['current_review_version', 'current_risk_grade', 'current_reviewed_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    expect(await current()).toEqual({ current_review_version: 0, current_risk_grade: null, current_reviewed_at: null });
    await insertReview(id, 1, 'standard');
    await insertReview(id, 3, 'high');
    expect(await current()).toMatchObject({ current_review_version: 3, current_risk_grade: 'high' });
    // A version inserted out of order (an import of history) does not overwrite the newer one.
    await insertReview(id, 2, 'medium');
    expect(await current()).toMatchObject({ current_review_version: 3, current_risk_grade: 'high' });
    const stored = await sql<{ n: number }>`select count(*)::int as n from reviews where occurrence_id = ${id}`.execute(db);
    expect(stored.rows[0]?.n).toBe(3);
  });
});

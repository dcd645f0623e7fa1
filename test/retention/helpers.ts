import { sql } from 'kysely';
import type { Harness } from '../helpers/harness.js';
import { DEFAULT_RETENTION, type RetentionPeriods } from '../../db/retention/retention.service.js';
import { runRetention } from '../../jobs/retention.job.js';

export const DAY = 86_400_000;

/** Runs the retention job at the harness clock (the defaults unless `periods` says otherwise). */
export function runJob(h: Harness, periods: Partial<RetentionPeriods> = {}, batch?: number) {
  return runRetention({ db: h.db, clock: h.clock.now, kickOutbox: () => undefined }, { ...DEFAULT_RETENTION, ...periods }, batch);
}

/** How many rows each table holds about one occurrence (the outbox by its payloads). */
export async function rowsAbout(h: Harness, occurrenceId: string): Promise<Record<string, number>> {
  const n = async (q: ReturnType<typeof sql<{ n: string | number }>>) => Number((await q.execute(h.db)).rows[0]!.n);
  return {
    occurrences: await n(sql`select count(*) as n from occurrences where id = ${occurrenceId}`),
    people: await n(sql`select count(*) as n from occurrence_people where occurrence_id = ${occurrenceId}`),
    reviews: await n(sql`select count(*) as n from reviews where occurrence_id = ${occurrenceId}`),
    decisions: await n(
      sql`select count(*) as n from review_decisions d join reviews r on r.id = d.review_id where r.occurrence_id = ${occurrenceId}`,
    ),
    scheduledReviews: await n(sql`select count(*) as n from scheduled_reviews where occurrence_id = ${occurrenceId}`),
    cardPosts: await n(sql`select count(*) as n from card_posts where occurrence_id = ${occurrenceId}`),
    outbox: await n(sql`select count(*) as n from outbox where payload ->> 'occurrenceId' = ${occurrenceId}
      or payload ->> 'scheduledReviewId' in (select id::text from scheduled_reviews where occurrence_id = ${occurrenceId})`),
  };
}

/** Every audit entry's id and hash, in chain order. */
export async function auditChain(h: Harness): Promise<{ seq: string; hash: string; action: string }[]> {
  const rows = await h.db.selectFrom('audit_log').select(['seq', 'hash', 'action']).orderBy('seq').execute();
  return rows.map((r) => ({ seq: String(r.seq), hash: r.hash, action: r.action }));
}

/** The retention job's erasure entries, oldest first. */
export async function erasures(h: Harness): Promise<{ entityType: string; entityId: string; actor: string; details: any }[]> {
  const rows = await h.db
    .selectFrom('audit_log')
    .select(['entity_type', 'entity_id', 'actor', 'details'])
    .where('action', '=', 'record.erased')
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ entityType: r.entity_type, entityId: r.entity_id, actor: r.actor, details: r.details }));
}

import { sql } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import type { Db } from '../schema.js';
import { erasureEntry } from './retention.audit.js';
import type { RetentionPeriods } from './retention.policy.js';

const tally = (rows: readonly { id: string | null }[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const r of rows) if (r.id) m.set(r.id, (m.get(r.id) ?? 0) + 1);
  return m;
};

/**
 * Erases up to `limit` filed or closed occurrences whose closure (or, when the bot never saw it
 * close, the flag) is before `before`: the occurrence row and everything hung on it, each table
 * by an explicit delete (the foreign keys cascade too, as a backstop), in the caller's
 * transaction. Claimed FOR UPDATE SKIP LOCKED, so a feed update or a second replica holding one
 * is skipped; an occurrence with a message still queued is left for a later run.
 * One audit entry per occurrence, written last (the audit chain's lock is held until commit).
 * @returns how many occurrences were erased
 */
export async function eraseClosedOccurrences(trx: Db, before: Date, periods: RetentionPeriods, limit: number): Promise<number> {
  const due = await trx
    // Messages about an occurrence still to be sent (few; read through the pending-outbox index).
    .with('pending', (db) =>
      db
        .selectFrom('outbox')
        .select([sql<string>`payload ->> 'occurrenceId'`.as('occ'), sql<string>`payload ->> 'scheduledReviewId'`.as('sr')])
        .where('status', '=', 'pending')
        .where(sql<boolean>`kind in ('review_card', 'review_prompt', 'review_prompt_update')`),
    )
    .selectFrom('occurrences as o')
    .select(['o.id', 'o.source', 'o.reference', 'o.recorded_as', 'o.status', 'o.closed_at', 'o.flagged_at'])
    // The same expression and predicate as occurrences_closed_idx (migration 2026-11-21T04).
    .where('o.status', '<>', 'open')
    .where(sql`coalesce(o.closed_at, o.flagged_at)`, '<', before)
    .where(sql<boolean>`not exists (select 1 from pending p where p.occ = o.id::text)`)
    .where(sql<boolean>`not exists (select 1 from pending p join scheduled_reviews s on s.id = (p.sr)::uuid where s.occurrence_id = o.id)`)
    .orderBy(sql`coalesce(o.closed_at, o.flagged_at)`)
    .limit(limit)
    .forUpdate('o')
    .skipLocked()
    .execute();
  if (due.length === 0) return 0;
  const ids = due.map((d) => d.id);
  const reviewsOf = await trx.selectFrom('scheduled_reviews').select(['id', 'occurrence_id']).where('occurrence_id', 'in', ids).execute();
  const occurrenceOf = new Map(reviewsOf.map((s) => [s.id, s.occurrence_id]));
  const srIds = [...occurrenceOf.keys()];

  const cardMessages = await trx
    .deleteFrom('outbox')
    .where(sql<boolean>`kind = 'review_card'`)
    .where(sql`payload ->> 'occurrenceId'`, 'in', ids)
    .returning(sql<string>`payload ->> 'occurrenceId'`.as('id'))
    .execute();
  const promptMessages = srIds.length
    ? await trx
        .deleteFrom('outbox')
        .where(sql<boolean>`kind in ('review_prompt', 'review_prompt_update')`)
        .where(sql`payload ->> 'scheduledReviewId'`, 'in', srIds)
        .returning(sql<string>`payload ->> 'scheduledReviewId'`.as('sr'))
        .execute()
    : [];
  const promptPosts = srIds.length
    ? await trx.deleteFrom('prompt_posts').where('scheduled_review_id', 'in', srIds).returning('scheduled_review_id as sr').execute()
    : [];
  const scheduled = await trx.deleteFrom('scheduled_reviews').where('occurrence_id', 'in', ids).returning('occurrence_id as id').execute();
  const cardPosts = await trx.deleteFrom('card_posts').where('occurrence_id', 'in', ids).returning('occurrence_id as id').execute();
  await trx
    .deleteFrom('review_decisions')
    .where('review_id', 'in', (eb) => eb.selectFrom('reviews').select('id').where('occurrence_id', 'in', ids))
    .execute();
  const reviews = await trx.deleteFrom('reviews').where('occurrence_id', 'in', ids).returning('occurrence_id as id').execute();
  const people = await trx.deleteFrom('occurrence_people').where('occurrence_id', 'in', ids).returning('occurrence_id as id').execute();
  const events = await trx.deleteFrom('occurrence_events').where('occurrence_id', 'in', ids).returning('occurrence_id as id').execute();
  const erased = await trx.deleteFrom('occurrences').where('id', 'in', ids).returning('id').execute();

  const bySr = (rows: readonly { sr: string | null }[]) => tally(rows.map((r) => ({ id: r.sr ? (occurrenceOf.get(r.sr) ?? null) : null })));
  const counts = {
    people: tally(people),
    events: tally(events),
    reviews: tally(reviews),
    scheduledReviews: tally(scheduled),
    cardPosts: tally(cardPosts),
    promptPosts: bySr(promptPosts),
    outbox: tally(cardMessages),
    promptMessages: bySr(promptMessages),
  };
  const gone = new Set(erased.map((e) => e.id));
  const at = (m: Map<string, number>, id: string) => m.get(id) ?? 0;
  const entries = due
    .filter((d) => gone.has(d.id))
    .map((d) =>
      erasureEntry(
        'closed_occurrence',
        periods,
        { type: 'occurrence', id: d.id },
        {
          source: d.source,
          reference: d.reference,
          recordedAs: d.recorded_as,
          status: d.status,
          closedAt: (d.closed_at ?? d.flagged_at).toISOString(),
          erased: {
            people: at(counts.people, d.id),
            events: at(counts.events, d.id),
            reviews: at(counts.reviews, d.id),
            scheduledReviews: at(counts.scheduledReviews, d.id),
            cardPosts: at(counts.cardPosts, d.id),
            promptPosts: at(counts.promptPosts, d.id),
            outboxMessages: at(counts.outbox, d.id) + at(counts.promptMessages, d.id),
          },
        },
      ),
    );
  await recordAudit(trx, ...entries);
  return due.length;
}

/**
 * Erases the subject refs (people with role `suspect`) of up to `limit` NCHIs flagged before
 * `before`, in the caller's transaction; the NCHI itself, its complainants and its reviews stay.
 * Claimed FOR UPDATE SKIP LOCKED, oldest flag first from `from` (the previous batch's last flag
 * time: NCHIs already cleared are not read again in one run). One audit entry per NCHI with the
 * number of refs erased (never the refs: the log would keep what was erased).
 * @returns how many NCHIs had refs erased, and the flag time the next batch starts from
 */
export async function eraseNchiSubjectRefs(
  trx: Db,
  before: Date,
  periods: RetentionPeriods,
  limit: number,
  from: Date | null = null,
): Promise<{ count: number; next?: Date }> {
  let q = trx
    .selectFrom('occurrences as o')
    .select(['o.id', 'o.source', 'o.reference', 'o.flagged_at'])
    .where('o.recorded_as', '=', 'nchi')
    .where('o.flagged_at', '<', before);
  if (from) q = q.where('o.flagged_at', '>=', from);
  const due = await q
    .where(sql<boolean>`exists (select 1 from occurrence_people p where p.occurrence_id = o.id and p.role = 'suspect')`)
    .orderBy('o.flagged_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  if (due.length === 0) return { count: 0 };
  const refs = await trx
    .deleteFrom('occurrence_people')
    .where(
      'occurrence_id',
      'in',
      due.map((d) => d.id),
    )
    .where('role', '=', 'suspect')
    .returning('occurrence_id as id')
    .execute();
  const counts = tally(refs);
  await recordAudit(
    trx,
    ...due
      .filter((d) => counts.has(d.id))
      .map((d) =>
        erasureEntry(
          'nchi_subject_refs',
          periods,
          { type: 'occurrence', id: d.id },
          {
            source: d.source,
            reference: d.reference,
            flaggedAt: d.flagged_at.toISOString(),
            erased: { subjectRefs: counts.get(d.id) ?? 0 },
          },
        ),
      ),
  );
  return { count: due.length, next: due.at(-1)!.flagged_at };
}

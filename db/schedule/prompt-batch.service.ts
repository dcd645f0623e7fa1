import type { Kysely } from 'kysely';
import { canAnswerPrompt, type Actor } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import type { OccurrenceRow } from '../occurrences/occurrences.table.js';
import { outboxPayloadSchema, type ReviewPromptBatchPayload } from '../outbox/outbox.service.js';
import type { Database, Db } from '../schema.js';
import { promptFacts } from './prompts.service.js';
import { toReview, type ScheduledReview } from './schedule.types.js';

/** One item of a card listing several prompts (outbox `review_prompt_batch`). */
export type PromptBatchItem = ReviewPromptBatchPayload['items'][number];

/** An item with its review and occurrence as they are now; `allowed`: the viewer may see and answer it. */
export interface PromptBatchEntry {
  item: PromptBatchItem;
  review: ScheduledReview;
  occurrence: OccurrenceRow;
  allowed: boolean;
}

/** The items' reviews and occurrences, in the items' order; items whose review is gone are left out. */
async function load(db: Db, items: readonly PromptBatchItem[]): Promise<Omit<PromptBatchEntry, 'allowed'>[]> {
  if (items.length === 0) return [];
  const reviews = await db
    .selectFrom('scheduled_reviews')
    .selectAll()
    .where(
      'id',
      'in',
      items.map((i) => i.scheduledReviewId),
    )
    .execute();
  const occurrences = reviews.length
    ? await db
        .selectFrom('occurrences')
        .selectAll()
        .where('id', 'in', [...new Set(reviews.map((r) => r.occurrence_id))])
        .execute()
    : [];
  const review = new Map(reviews.map((r) => [r.id, r]));
  const occurrence = new Map(occurrences.map((o) => [o.id, o]));
  return items.flatMap((item) => {
    const r = review.get(item.scheduledReviewId);
    const o = r && occurrence.get(r.occurrence_id);
    return r && o ? [{ item, review: toReview(r), occurrence: o }] : [];
  });
}

/**
 * A card listing several prompts as the outbox sends it, read now: only reviews still pending (one
 * answered since it was queued is not asked again). No access check: the recipient was chosen by
 * the sweep, as for a single prompt.
 */
export async function promptBatchForSend(db: Db, p: ReviewPromptBatchPayload): Promise<PromptBatchEntry[]> {
  return (await load(db, p.items)).filter((e) => e.review.status === 'pending').map((e) => ({ ...e, allowed: true }));
}

/** The items a card listing several prompts was sent with, read back from the message that carried it (null: not held). */
export async function promptBatchItems(db: Db, batchKey: string): Promise<PromptBatchItem[] | null> {
  const row = await db.selectFrom('outbox').select('payload').where('dedupe_key', '=', batchKey).executeTakeFirst();
  if (!row) return null;
  const parsed = outboxPayloadSchema.safeParse(typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload);
  return parsed.success && parsed.data.type === 'review_prompt_batch' ? parsed.data.items : null;
}

/**
 * A card listing several prompts as its reader refreshes it (an answer saved, a page turned): every
 * item, answered or not, with the access rule (db/access canAnswerPrompt) asked for each row, so a
 * row the reader may not answer shows no data. The rows in `shown` (indexes, the page) that the
 * reader may see are audited as disclosures of their occurrences.
 * @returns the entries, or null when the bot no longer holds the list
 */
export async function promptBatchFor(
  conn: Kysely<Database>,
  input: { batchKey: string; actor: Actor; shown: { from: number; to: number }; conversationId: string | null },
): Promise<PromptBatchEntry[] | null> {
  const items = await promptBatchItems(conn, input.batchKey);
  if (!items) return null;
  const entries: PromptBatchEntry[] = [];
  for (const e of await load(conn, items)) {
    const allowed = canAnswerPrompt(input.actor, await promptFacts(conn, e.review, e.occurrence)).ok;
    entries.push({ ...e, allowed });
  }
  const disclosed = entries.slice(input.shown.from, input.shown.to).filter((e) => e.allowed);
  await recordAudit(
    conn,
    ...disclosed.map((e) => ({
      actor: input.actor.label,
      action: 'prompt.disclosed',
      entityType: 'occurrence',
      entityId: e.occurrence.id,
      details: {
        conversationId: input.conversationId,
        scheduledReviewId: e.review.id,
        batchKey: input.batchKey,
        reason: 'prompt list refresh',
      },
    })),
  );
  return entries;
}

/**
 * Records a card listing several prompts as posted: one disclosure of each item's occurrence,
 * audited as recordPromptDisclosure audits one prompt. The card is not remembered as a prompt
 * post (prompt_posts holds one review per message): a single prompt's in-place refresh must never
 * overwrite it; it refreshes when answered or paged from itself.
 */
export async function recordPromptBatchDisclosure(
  db: Db,
  post: { payload: ReviewPromptBatchPayload; conversationId: string; activityId: string; actor: string },
): Promise<void> {
  const ids = post.payload.items.map((i) => i.scheduledReviewId);
  const rows = await db.selectFrom('scheduled_reviews').select(['id', 'occurrence_id']).where('id', 'in', ids).execute();
  const occurrence = new Map(rows.map((r) => [r.id, r.occurrence_id]));
  await recordAudit(
    db,
    ...post.payload.items.flatMap((i) => {
      const occurrenceId = occurrence.get(i.scheduledReviewId);
      return occurrenceId
        ? [
            {
              actor: post.actor,
              action: 'prompt.disclosed',
              entityType: 'occurrence',
              entityId: occurrenceId,
              details: {
                conversationId: post.conversationId,
                activityId: post.activityId,
                scheduledReviewId: i.scheduledReviewId,
                step: i.step,
                unreachable: i.unreachable,
                batchKey: post.payload.batchKey,
              },
            },
          ]
        : [];
    }),
  );
}

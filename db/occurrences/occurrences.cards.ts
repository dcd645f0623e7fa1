import { reviewChannelsByDistrict } from '../conversations/conversations.service.js';
import { enqueueMessages, type OutboxMessage } from '../outbox/outbox.service.js';
import type { Db } from '../schema.js';
import type { FeedOccurrence } from './occurrence.feed.js';

/** Queues a review card for every review channel of the district of each newly created occurrence. */
export async function queueNewCards(trx: Db, created: { id: string; item: FeedOccurrence }[], now: Date): Promise<void> {
  const channels = await reviewChannelsByDistrict(trx, [...new Set(created.map((c) => c.item.district))]);
  const messages: OutboxMessage[] = created.flatMap((c) =>
    (channels.get(c.item.district) ?? []).map((conversationId) => ({
      dedupeKey: `review-card:${c.id}:${conversationId}`,
      conversationId,
      payload: { type: 'review_card' as const, occurrenceId: c.id, mode: 'post' as const },
    })),
  );
  await enqueueMessages(trx, messages, now);
}

/**
 * Queues an in-place update of every posted copy of these occurrences' review cards.
 * `cause` names the change (e.g. `review:<id>`), so each change updates each copy once.
 */
export async function queueCardRefresh(trx: Db, changes: readonly { occurrenceId: string; cause: string }[], now: Date): Promise<void> {
  if (changes.length === 0) return;
  const causes = new Map(changes.map((c) => [c.occurrenceId, c.cause]));
  const posts = await trx
    .selectFrom('card_posts')
    .select(['occurrence_id', 'conversation_id', 'activity_id'])
    .where('occurrence_id', 'in', [...causes.keys()])
    .execute();
  await enqueueMessages(
    trx,
    posts.map((p) => ({
      dedupeKey: `review-card-update:${p.conversation_id}:${p.activity_id}:${causes.get(p.occurrence_id)}`,
      conversationId: p.conversation_id,
      payload: { type: 'review_card' as const, occurrenceId: p.occurrence_id, mode: 'update' as const, activityId: p.activity_id },
    })),
    now,
  );
}

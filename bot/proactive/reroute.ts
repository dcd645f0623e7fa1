import { reviewChannelsByDistrict } from '../../db/conversations/conversations.service.js';
import type { ReminderConfig } from '../../db/actions/reminders.service.js';
import { queueUndeliveredReminder } from '../../db/actions/undelivered.service.js';
import {
  enqueueMessages,
  type ClaimedMessage,
  type OutboxMessage,
  type OutboxPayload,
  type ReviewPromptBatchPayload,
} from '../../db/outbox/outbox.service.js';
import { promptTargets } from '../../db/schedule/schedule.service.js';
import type { Db } from '../../db/schema.js';

/**
 * A message its recipient cannot get goes to the review channels of its district, marked as
 * such: a review prompt or an action card as `unreachable` (its card says who could not be
 * reached and asks the coordinators to act), a text or an earlier build's card with a note. A
 * card listing several prompts goes to each item's district's channels (one card per channel with
 * the items it covers, or a single prompt where it covers one). A person's action reminder card
 * (`action_batch`) becomes a note to the coordinators naming the person and the actions
 * (db/actions/undelivered.service.ts).
 */
export async function rerouteUnreachable(trx: Db, m: ClaimedMessage, now: Date, reminders: ReminderConfig): Promise<void> {
  const p = m.payload;
  if (!m.conversationId.startsWith('user:')) return;
  if (p.type === 'action_batch') {
    await queueUndeliveredReminder(trx, { dedupeKey: m.dedupeKey, payload: p }, reminders, now);
    return;
  }
  if (p.type === 'review_prompt_batch') {
    await enqueueMessages(trx, await batchToChannels(trx, m.dedupeKey, p), now);
    return;
  }
  const district =
    p.type === 'review_prompt'
      ? p.district
      : p.type === 'action' || p.type === 'card' || p.type === 'text'
        ? p.reroute?.district
        : undefined;
  if (!district) return;
  // The unreachable-owner fallback (db/schedule/owner.policy.ts): nobody reachable, so the district's review channels.
  const targets = promptTargets([], (await reviewChannelsByDistrict(trx, [district])).get(district) ?? []);
  const payload = (unreachable: boolean): OutboxPayload =>
    p.type === 'review_prompt' || p.type === 'action'
      ? { ...p, unreachable }
      : p.type === 'text'
        ? { type: 'text', text: `(Could not reach the recipient in Teams.) ${p.text}` }
        : p.type === 'card'
          ? { type: 'card', card: p.card, text: 'Could not reach the recipient in Teams; posted here instead.' }
          : p;
  await enqueueMessages(
    trx,
    targets.map((t) => ({
      dedupeKey: `${m.dedupeKey}:reroute:${t.conversationId}`,
      conversationId: t.conversationId,
      payload: payload(t.unreachable),
    })),
    now,
  );
}

/** A refused card listing several prompts, as messages to its items' review channels, every item marked unreachable. */
async function batchToChannels(trx: Db, key: string, p: ReviewPromptBatchPayload): Promise<OutboxMessage[]> {
  const channels = await reviewChannelsByDistrict(trx, [...new Set(p.items.map((i) => i.district))]);
  const byChannel = new Map<string, ReviewPromptBatchPayload['items']>();
  for (const item of p.items)
    for (const c of channels.get(item.district) ?? []) byChannel.set(c, [...(byChannel.get(c) ?? []), { ...item, unreachable: true }]);
  return [...byChannel].map(([conversationId, items]) => {
    const dedupeKey = `${key}:reroute:${conversationId}`;
    const [one] = items;
    const payload: OutboxPayload =
      items.length === 1
        ? {
            type: 'review_prompt',
            scheduledReviewId: one!.scheduledReviewId,
            step: one!.step,
            mode: 'post',
            unreachable: true,
            district: one!.district,
          }
        : { type: 'review_prompt_batch', batchKey: dedupeKey, mode: 'post', items };
    return { dedupeKey, conversationId, payload };
  });
}

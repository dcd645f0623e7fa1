import { reviewChannelsByDistrict } from '../../db/conversations/conversations.service.js';
import { enqueueMessages, type ClaimedMessage, type OutboxPayload } from '../../db/outbox/outbox.service.js';
import { promptTargets } from '../../db/schedule/schedule.service.js';
import type { Db } from '../../db/schema.js';

/**
 * A message its recipient cannot get goes to the review channels of its district, marked as
 * such: a review prompt or an action card as `unreachable` (its card says who could not be
 * reached and asks the coordinators to act), a text or an earlier build's card with a note.
 */
export async function rerouteUnreachable(trx: Db, m: ClaimedMessage, now: Date): Promise<void> {
  const p = m.payload;
  const district =
    p.type === 'review_prompt'
      ? p.district
      : p.type === 'action' || p.type === 'card' || p.type === 'text'
        ? p.reroute?.district
        : undefined;
  if (!district || !m.conversationId.startsWith('user:')) return;
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

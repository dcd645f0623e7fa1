import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/card.js';
import { renderReviewCard } from '../../cards/review.card.js';
import { reviewOpenSchema } from '../../cards/verbs.js';
import { reviewCardForViewer } from '../../db/reviews/review-card.service.js';
import { toReviewCard } from '../views/review-view.js';
import { getActor, type BotDeps } from './context.js';
import { channelConversationId } from './identity.js';
import { answeringLostConnection } from './lost-connection.js';
import { problemOf } from './replies.js';
import { auditCardDisclosure } from './review-card.handlers.js';

/**
 * The review card for the sender alone (the Review button, `review <reference>` in a personal
 * chat): the checklist form when the access rule lets them submit (for a reviewed occurrence,
 * filled in with the current review, to re-grade), else the read-only card with a line saying who
 * can submit. Repeat indicators name the linked occurrences the sender may see. Audited as a
 * disclosure to the conversation (`reason`).
 * @throws NotFoundError when the bot does not hold the occurrence; ForbiddenError when the sender may not see it
 */
export async function reviewCardForSender(deps: BotDeps, ctx: TurnContext, occurrenceId: string, reason: string): Promise<AdaptiveCard> {
  const actor = getActor(ctx);
  const { card, submit, repeatRefs } = await reviewCardForViewer(deps.db, occurrenceId, actor, deps.config.repeat);
  await auditCardDisclosure(deps, actor.label, occurrenceId, channelConversationId(ctx.activity.conversation.id), reason);
  const how = submit.ok
    ? { mode: 'form' as const, nchiDecision: deps.config.nchiPolicy === 'code-2023' }
    : { banner: { kind: 'warning' as const, text: `You can see this card, but ${submit.why}. Nothing was changed.` } };
  return renderReviewCard(toReviewCard(card, deps.config.checklist, deps.clock(), deps.config.rmsUrlTemplate, { ...how, repeatRefs }));
}

/**
 * The read-only review card's Review / Re-grade button (issue 12 item 8). With Action.Execute the
 * answer replaces the card for the person who pressed it only, so it may be their form; an
 * Action.Submit fallback in a channel would replace everyone's card, so it answers with where to
 * review instead. Refusals are audited and answered without occurrence data (bot/teams/replies.ts).
 * @param onlyToSender whether only the sender sees the answer (Action.Execute, or a personal chat)
 */
export function handleReviewOpen(deps: BotDeps, ctx: TurnContext, raw: unknown, onlyToSender: boolean): Promise<AdaptiveCard | string> {
  return answeringLostConnection(deps.logger, 'review open', async () => {
    const parsed = reviewOpenSchema.safeParse(raw ?? {});
    if (!parsed.success)
      return `${parsed.error.issues[0]?.message ?? 'This card cannot be read'}. Type \`review REFERENCE\` to get a fresh card.`;
    const { occurrenceId, reference } = parsed.data;
    if (!onlyToSender)
      return `To review, type \`review ${reference || 'REFERENCE'}\` in your personal chat with me: the form opens there, for you only.`;
    try {
      return await reviewCardForSender(deps, ctx, occurrenceId, 'review button');
    } catch (e) {
      const p = await problemOf(deps, ctx, e, { what: 'review.open', entityType: 'occurrence', entityId: occurrenceId });
      return p.kind === 'not-found' ? `${p.text} Type \`review REFERENCE\` to look it up.` : p.text;
    }
  });
}

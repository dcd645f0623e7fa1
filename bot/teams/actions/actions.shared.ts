import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { canUpdateAction } from '../../../db/access/access.service.js';
import type { Action, ActionActor } from '../../../db/actions/actions.service.js';
import { getActor, type BotDeps } from '../context.js';
import { channelConversationId } from '../identity.js';
import { problemReply, type RefusalContext } from '../replies.js';

/** The sender as the delivery-plan services need them (the access rule's actor). */
export function actorOf(ctx: TurnContext): ActionActor {
  return getActor(ctx);
}

/** The conversation to audit disclosures against (channel threads collapse to the channel). */
export const conversationOf = (ctx: TurnContext): string => channelConversationId(ctx.activity.conversation.id);

/** Whether the actor may update the action on its card (the access rule: its holder or a coordinator). */
export const canEdit = (actor: ActionActor, action: Pick<Action, 'ref' | 'ownerUserId' | 'ownerUpn' | 'contacts' | 'district'>): boolean =>
  canUpdateAction(actor, action).ok;

/** Posts an Adaptive Card in the conversation. */
export async function sendCard(ctx: TurnContext, card: Record<string, unknown>, text?: string): Promise<void> {
  await ctx.sendActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), ...(text ? { text } : {}) });
}

/**
 * Runs `work`, answering a domain error in the conversation (bot/teams/replies.ts: invalid input
 * with `usage`, a refusal audited as `what`); other errors go to the turn-error handler.
 */
export async function answering(
  deps: BotDeps,
  ctx: TurnContext,
  what: string | RefusalContext,
  usage: string | undefined,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (e) {
    const context = typeof what === 'string' ? { what } : what;
    await ctx.sendActivity(await problemReply(deps, ctx, e, { notFoundHint: 'Type `actions` for the plan.', ...context }, usage));
  }
}

import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { canUpdateAction } from '../../../db/access/access.policy.js';
import type { Action, ActionActor } from '../../../db/actions/actions.service.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../db/errors.js';
import { getActor, type BotDeps } from '../context.js';
import { channelConversationId } from '../identity.js';
import { refusalOf } from '../refusals.js';

/** The sender as the delivery-plan services need them (the access rule's actor). */
export function actorOf(ctx: TurnContext): ActionActor {
  return getActor(ctx);
}

/** The conversation to audit disclosures against (channel threads collapse to the channel). */
export const conversationOf = (ctx: TurnContext): string => channelConversationId(ctx.activity.conversation.id);

/** Whether the actor may update the action on its card (the access rule: its holder or a coordinator). */
export const canEdit = (actor: ActionActor, action: Pick<Action, 'ref' | 'ownerUserId' | 'ownerUpn'>): boolean => canUpdateAction(actor, action).ok;

/** Posts an Adaptive Card in the conversation. */
export async function sendCard(ctx: TurnContext, card: Record<string, unknown>, text?: string): Promise<void> {
  await ctx.sendActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), ...(text ? { text } : {}) });
}

/**
 * The answer to a domain error (nothing was written): the problem and, for invalid input, the
 * right form. Other errors are rethrown for the turn-error handler.
 */
export function problemText(e: unknown, usage?: string): string {
  if (e instanceof ValidationError) {
    const list = e.issues.length ? e.issues.map((i) => i.message).join('; ') : e.message;
    return `Nothing was saved: ${list}.${usage ? `\n\nUse ${usage}.` : ''}`;
  }
  if (e instanceof ForbiddenError) return `Sorry, ${e.message}.`;
  if (e instanceof NotFoundError) return `${e.message.charAt(0).toUpperCase()}${e.message.slice(1)}.`;
  throw e;
}

/** Runs `work`, answering domain errors in the conversation; a refusal is audited as `what`. */
export async function answering(deps: BotDeps, ctx: TurnContext, what: string, usage: string | undefined, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (e) {
    await ctx.sendActivity(e instanceof ForbiddenError ? await refusalOf(deps, ctx, e, { what }) : problemText(e, usage));
  }
}

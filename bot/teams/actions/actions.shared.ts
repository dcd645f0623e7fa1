import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { actorHas, isHolder, type Action, type ActionActor } from '../../../db/actions/actions.service.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../db/errors.js';
import { getActor } from '../context.js';
import { channelConversationId } from '../identity.js';

/** The sender as the delivery-plan services need them. */
export function actorOf(ctx: TurnContext): ActionActor {
  const a = getActor(ctx);
  return { userId: a.user.id, name: a.user.name, upn: a.user.upn, roles: a.roles, label: a.label };
}

/** The conversation to audit disclosures against (channel threads collapse to the channel). */
export const conversationOf = (ctx: TurnContext): string => channelConversationId(ctx.activity.conversation.id);

/** Whether the actor may update the action on its card: its holder or a coordinator. */
export const canEdit = (actor: ActionActor, action: Pick<Action, 'ownerUserId' | 'ownerUpn'>): boolean => isHolder(actor, action) || actorHas(actor, 'coordinator');

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

/** Runs `work`, answering domain errors in the conversation. */
export async function answering(ctx: TurnContext, usage: string | undefined, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (e) {
    await ctx.sendActivity(problemText(e, usage));
  }
}

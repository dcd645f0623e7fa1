import type { TurnContext } from 'botbuilder';
import { recordRefusal, type Decision, type Refusal } from '../../db/access/access.service.js';
import { getActor, type BotDeps } from './context.js';
import { channelConversationId } from './identity.js';

/** The reply to a refusal: what is missing, never occurrence data. */
export const refusalText = (why: string): string => `Sorry, ${why}. Nothing was shown or changed.`;

/**
 * Audits a refusal of the current sender (`access_refused`: who, what, why, where) and returns
 * the reply to send. `why` comes from the access rule (db/access), so it holds no occurrence data;
 * `hint` (e.g. the command that shows the user's own) is added to the reply, not to the audit.
 */
export async function refuse(deps: BotDeps, ctx: TurnContext, r: Omit<Refusal, 'conversationId'>, hint?: string): Promise<string> {
  const actor = getActor(ctx);
  const conversationId = ctx.activity.conversation?.id ? channelConversationId(ctx.activity.conversation.id) : null;
  await recordRefusal(deps.db, actor, { ...r, conversationId });
  deps.logger.info({ actor: actor.label, what: r.what, entityType: r.entityType, entityId: r.entityId }, 'access refused');
  return refusalText(hint ? `${r.why}; ${hint}` : r.why);
}

/** The refusal reply when `d` refuses (audited), else null. */
export async function refused(
  deps: BotDeps,
  ctx: TurnContext,
  d: Decision,
  what: Omit<Refusal, 'conversationId' | 'why'>,
): Promise<string | null> {
  return d.ok ? null : refuse(deps, ctx, { ...what, why: d.why });
}

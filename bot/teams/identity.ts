import { TeamsInfo, TurnContext, type ConversationReference } from 'botbuilder';
import { saveConversationReference } from '../../db/conversations/conversations.service.js';
import { effectiveAccess, knowsUpnOf, rememberTeamsUser } from '../../db/users/users.service.js';
import type { Actor, BotDeps } from './context.js';

/** Channel messages carry `;messageid=…` on the conversation id; proactive posts go to the channel itself. */
export function channelConversationId(id: string): string {
  return id.split(';messageid=')[0] ?? id;
}

/**
 * Stores the conversation reference of any activity (installationUpdate, conversationUpdate,
 * message, invoke), so proactive messages survive restarts.
 */
export async function rememberConversation(deps: BotDeps, ctx: TurnContext): Promise<void> {
  const ref = TurnContext.getConversationReference(ctx.activity) as Partial<ConversationReference>;
  const conv = ctx.activity.conversation;
  if (!conv?.id || !ref.serviceUrl) return;
  const id = channelConversationId(conv.id);
  const reference = { ...ref, conversation: { ...ref.conversation, id } } as Record<string, unknown>;
  delete reference.activityId;
  await saveConversationReference(deps.db, {
    id,
    conversationType: conv.conversationType ?? 'personal',
    tenantId: conv.tenantId ?? null,
    name: conv.name ?? null,
    reference,
    userTeamsId: ctx.activity.from?.id ?? null,
  });
}

const toldLocal = new WeakSet<BotDeps>();

/**
 * Learns the sender (Teams id, AAD object id, name; UPN from the roster API the first time)
 * and resolves their roles and districts. Local mode with no roster: a force-wide coordinator and
 * manager (logged once).
 */
export async function resolveActor(deps: BotDeps, ctx: TurnContext): Promise<Actor | null> {
  const from = ctx.activity.from;
  if (!from?.id) return null;
  let upn: string | null = null;
  if (!(await knowsUpnOf(deps.db, from.id)) && ctx.activity.type !== 'conversationUpdate' && ctx.activity.type !== 'installationUpdate') {
    try {
      const member = await TeamsInfo.getMember(ctx, from.id);
      upn = member.userPrincipalName ?? member.email ?? null;
    } catch (e) {
      deps.logger.debug({ err: (e as Error).message }, 'could not read the member profile; continuing without UPN');
    }
  }
  const user = await rememberTeamsUser(deps.db, { teamsId: from.id, aadObjectId: from.aadObjectId ?? null, name: from.name ?? 'Unknown user', upn });
  const access = await effectiveAccess(deps.db, user, deps.config.microsoftApp === null);
  if (access.localForceWide && !toldLocal.has(deps)) {
    toldLocal.add(deps);
    deps.logger.info({ user: user.id }, 'local mode with no roster: the local user is a force-wide coordinator and manager (import a roster to apply need-to-know)');
  }
  return { user, userId: user.id, name: user.name, upn: user.upn, roles: access.roles, districts: access.districts, label: `user:${user.id}` };
}

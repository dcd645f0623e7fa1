import { TeamsInfo, TurnContext, type ConversationReference } from 'botbuilder';
import { isTrustedServiceUrl, rememberConversationReference } from '../../db/conversations/conversations.service.js';
import { effectiveAccess, knowsUpnOf, rememberTeamsUser, rosterGeneration } from '../../db/users/users.service.js';
import type { Actor, BotDeps } from './context.js';

/** Channel messages carry `;messageid=…` on the conversation id; proactive posts go to the channel itself. */
export function channelConversationId(id: string): string {
  return id.split(';messageid=')[0] ?? id;
}

/**
 * Stores the conversation reference of any activity (installationUpdate, conversationUpdate,
 * message, invoke), so proactive messages survive restarts; written only when it changed or
 * now and then (conversations.service `rememberConversationReference`), not on every turn.
 */
export async function rememberConversation(deps: BotDeps, ctx: TurnContext): Promise<void> {
  const ref = TurnContext.getConversationReference(ctx.activity) as Partial<ConversationReference>;
  const conv = ctx.activity.conversation;
  // The route refuses untrusted service URLs already; a reference is never stored without one.
  if (!conv?.id || !isTrustedServiceUrl(deps.config.serviceUrlAllowlist, ref.serviceUrl)) return;
  const id = channelConversationId(conv.id);
  const reference = { ...ref, conversation: { ...ref.conversation, id } } as Record<string, unknown>;
  delete reference.activityId;
  await rememberConversationReference(deps.db, {
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
 * Learns the sender and resolves their roles and districts. Local mode with no roster: a
 * force-wide coordinator and manager (logged once).
 *
 * What an activity says about its sender is only as good as its source (issue 9, item 6). In
 * authenticated mode the token proves the activity came through the Bot Connector, so Teams set
 * `from.aadObjectId`. In local mode nothing is proven: `from.aadObjectId` and `from.name` are
 * whatever the caller wrote, so the AAD object id and UPN are taken only from the member look-up
 * on a trusted service URL, and a user row already bound to another Teams account is never
 * re-bound (see rememberTeamsUser).
 */
export async function resolveActor(deps: BotDeps, ctx: TurnContext): Promise<Actor | null> {
  const from = ctx.activity.from;
  if (!from?.id) return null;
  const authenticated = deps.config.microsoftApp !== null;
  const lookup =
    ctx.activity.type !== 'conversationUpdate' &&
    ctx.activity.type !== 'installationUpdate' &&
    isTrustedServiceUrl(deps.config.serviceUrlAllowlist, ctx.activity.serviceUrl);
  // Everything the resolution depends on from the activity: the same sender, claims and trust.
  const key = JSON.stringify([from.id, authenticated ? (from.aadObjectId ?? null) : null, from.name ?? null, lookup]);
  let known = actors.get(deps);
  if (!known) actors.set(deps, (known = new Map()));
  const now = Date.now();
  const hit = known.get(key);
  if (hit && hit.generation === rosterGeneration() && now - hit.at < ACTOR_TTL_MS) return hit.actor;
  const generation = rosterGeneration();
  const actor = await resolveAfresh(deps, ctx, from, authenticated, lookup);
  if (known.size > 10_000) known.clear(); // bounded: a cache, not a record
  if (actor && generation === rosterGeneration()) known.set(key, { actor, at: now, generation });
  return actor;
}

/**
 * How long a resolved sender (their user row, roles and districts) is reused, ms: per-turn
 * look-ups cost no round trip on a busy card (issue 11, item 1). Need to know stays whole: a
 * roster imported in this process applies from the next turn (the generation check); one imported
 * through another replica applies here within ACTOR_TTL_MS. That adds at most 5 seconds to when a
 * change applies, the same as a turn that began 5 seconds before the import; no right is ever
 * widened by the cache beyond what the roster granted at most 5 seconds ago.
 */
export const ACTOR_TTL_MS = 5_000;

const actors = new WeakMap<BotDeps, Map<string, { actor: Actor; at: number; generation: number }>>();

async function resolveAfresh(
  deps: BotDeps,
  ctx: TurnContext,
  from: NonNullable<TurnContext['activity']['from']>,
  authenticated: boolean,
  lookup: boolean,
): Promise<Actor | null> {
  let upn: string | null = null;
  let aadObjectId: string | null = authenticated ? (from.aadObjectId ?? null) : null;
  if (lookup && !(await knowsUpnOf(deps.db, from.id))) {
    try {
      const member = await TeamsInfo.getMember(ctx, from.id);
      upn = member.userPrincipalName ?? member.email ?? null;
      aadObjectId = member.aadObjectId ?? aadObjectId;
    } catch (e) {
      deps.logger.debug({ err: (e as Error).message }, 'could not read the member profile; continuing without UPN');
    }
  }
  const user = await rememberTeamsUser(
    deps.db,
    { teamsId: from.id, aadObjectId, name: from.name ?? 'Unknown user', upn },
    { rebind: authenticated },
  );
  const access = await effectiveAccess(deps.db, user, deps.config.microsoftApp === null);
  if (access.localForceWide && !toldLocal.has(deps)) {
    toldLocal.add(deps);
    deps.logger.info(
      { user: user.id },
      'local mode with no roster: the local user is a force-wide coordinator and manager (import a roster to apply need-to-know)',
    );
  }
  return {
    user,
    userId: user.id,
    name: user.name,
    upn: user.upn,
    roles: access.roles,
    districts: access.districts,
    label: `user:${user.id}`,
  };
}

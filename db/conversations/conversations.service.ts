import { sql, type Kysely } from 'kysely';
import { subscriptionFor, type Actor } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { ForbiddenError } from '../errors.js';
import type { Database, Db } from '../schema.js';

export { isTrustedServiceUrl, originOf, parseServiceUrlAllowlist, type ServiceUrlPrefix } from './service-urls.js';

/** A conversation the bot can message proactively; `reference` is botbuilder's ConversationReference. */
export interface StoredConversation {
  id: string;
  conversationType: string;
  tenantId: string | null;
  name: string | null;
  reference: Record<string, unknown>;
  active: boolean;
}

/** How long a stored reference is trusted to be in the database unchanged before it is written again (ms). */
export const REFERENCE_REFRESH_MS = 5 * 60_000;

// What this process last wrote per conversation, per database (tests run many bots in one
// process). Every turn used to upsert its conversation; now a turn writes only when what it would
// write differs, or REFERENCE_REFRESH_MS passed. Stale entries are harmless: the reference is the
// same, and a conversation another replica marked inactive is reactivated by the next write.
const written = new WeakMap<object, Map<string, { value: string; at: number; epoch: number }>>();
// Bumped when a conversation is marked inactive here, so the next turn in it reactivates it at once.
const inactiveEpoch = new Map<string, number>();

/**
 * Forgets which references this process wrote to `db`, so the next turn of each conversation
 * writes its reference again. For whatever empties the tables behind the bot's back (the tests'
 * reset between cases); the bot itself never needs it.
 */
export function forgetWrittenReferences(db: Kysely<Database>): void {
  written.delete(db);
}

/**
 * Stores a conversation reference unless this process wrote the same one less than
 * REFERENCE_REFRESH_MS ago (and has not marked it inactive since): the per-turn bookkeeping
 * costs no round trip on a busy conversation (issue 11, item 1).
 * @returns whether it was written
 */
export async function rememberConversationReference(
  db: Kysely<Database>,
  c: Parameters<typeof saveConversationReference>[1],
  nowMs = Date.now(),
): Promise<boolean> {
  let seen = written.get(db);
  if (!seen) written.set(db, (seen = new Map()));
  const value = JSON.stringify(c);
  const epoch = inactiveEpoch.get(c.id) ?? 0;
  const last = seen.get(c.id);
  if (last && last.value === value && last.epoch === epoch && nowMs - last.at < REFERENCE_REFRESH_MS) return false;
  await saveConversationReference(db, c);
  if (seen.size > 10_000) seen.clear(); // bounded: a cache, not a record
  seen.set(c.id, { value, at: nowMs, epoch });
  return true;
}

/**
 * Stores (or refreshes) a conversation reference, so proactive messages survive a restart.
 * Reactivates a conversation marked inactive (the bot was re-added).
 */
export async function saveConversationReference(
  db: Db,
  c: {
    id: string;
    conversationType: string;
    tenantId: string | null;
    name: string | null;
    reference: Record<string, unknown>;
    userTeamsId?: string | null;
  },
): Promise<void> {
  const userTeamsId = c.conversationType === 'personal' ? (c.userTeamsId ?? null) : null;
  await db
    .insertInto('conversations')
    .values({
      id: c.id,
      conversation_type: c.conversationType,
      tenant_id: c.tenantId,
      name: c.name,
      reference: JSON.stringify(c.reference),
      user_teams_id: userTeamsId,
    })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        reference: JSON.stringify(c.reference),
        conversation_type: c.conversationType,
        tenant_id: c.tenantId,
        name: sql`coalesce(${c.name}, conversations.name)`,
        user_teams_id: sql`coalesce(${userTeamsId}, conversations.user_teams_id)`,
        active: true,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

/** Reads one stored conversation, or null. */
export async function getConversation(db: Db, id: string): Promise<StoredConversation | null> {
  const r = await db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  return r
    ? {
        id: r.id,
        conversationType: r.conversation_type,
        tenantId: r.tenant_id,
        name: r.name,
        reference: r.reference as Record<string, unknown>,
        active: r.active,
      }
    : null;
}

/** Marks a conversation unreachable (Teams answered 403: the bot was removed or blocked). */
export async function markConversationInactive(db: Db, id: string, reason: string): Promise<void> {
  inactiveEpoch.set(id, (inactiveEpoch.get(id) ?? 0) + 1);
  await db
    .updateTable('conversations')
    .set({ active: false, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
  await recordAudit(db, {
    actor: 'system:outbox',
    action: 'conversation.inactive',
    entityType: 'conversation',
    entityId: id,
    details: { reason },
  });
}

/**
 * Makes a conversation a review channel for every district (`district` null) or adds one district.
 * Subscribing to all replaces any single-district subscriptions. Audited.
 * @throws ForbiddenError when the access rule does not let the actor subscribe to it
 * @returns the districts the conversation now receives ('*' meaning all)
 */
export async function subscribe(
  db: Db,
  conversationId: string,
  district: string | null,
  actor: { id: string | null; label: string } & Pick<Actor, 'roles' | 'districts'>,
): Promise<string[]> {
  const key = district ?? '*';
  // Need to know (db/access): the district must be one the actor may subscribe to.
  const plan = subscriptionFor(actor, district);
  if (!plan.ok || !plan.districts.includes(key))
    throw new ForbiddenError(
      plan.ok ? `only a coordinator for ${district ?? 'every district'} can subscribe a conversation to it` : plan.why,
    );
  if (key === '*') await db.deleteFrom('review_subscriptions').where('conversation_id', '=', conversationId).execute();
  else await db.deleteFrom('review_subscriptions').where('conversation_id', '=', conversationId).where('district', '=', '*').execute();
  await db
    .insertInto('review_subscriptions')
    .values({ conversation_id: conversationId, district: key, created_by: actor.id })
    .onConflict((oc) => oc.columns(['conversation_id', 'district']).doNothing())
    .execute();
  await recordAudit(db, {
    actor: actor.label,
    action: 'channel.subscribed',
    entityType: 'conversation',
    entityId: conversationId,
    details: { district: key },
  });
  return listSubscriptions(db, conversationId);
}

/** Stops review cards in a conversation. Audited. @returns how many subscriptions were removed */
export async function unsubscribe(db: Db, conversationId: string, actor: { label: string }): Promise<number> {
  const res = await db.deleteFrom('review_subscriptions').where('conversation_id', '=', conversationId).executeTakeFirst();
  const n = Number(res.numDeletedRows);
  if (n > 0)
    await recordAudit(db, { actor: actor.label, action: 'channel.unsubscribed', entityType: 'conversation', entityId: conversationId });
  return n;
}

/** The districts a conversation is subscribed to ('*' for all), sorted. */
export async function listSubscriptions(db: Db, conversationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('review_subscriptions')
    .select('district')
    .where('conversation_id', '=', conversationId)
    .orderBy('district')
    .execute();
  return rows.map((r) => r.district);
}

/** Active review channels for each district given (case-insensitive; '*' subscriptions match all). */
export async function reviewChannelsByDistrict(db: Db, districts: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (districts.length === 0) return out;
  const rows = await db
    .selectFrom('review_subscriptions as s')
    .innerJoin('conversations as c', 'c.id', 's.conversation_id')
    .select(['s.conversation_id', 's.district'])
    .where('c.active', '=', true)
    .execute();
  for (const d of districts) {
    const ids = rows.filter((r) => r.district === '*' || r.district.toLowerCase() === d.toLowerCase()).map((r) => r.conversation_id);
    out.set(d, [...new Set(ids)]);
  }
  return out;
}

/**
 * Where a message for a user goes: their Teams id and their active personal chat with the bot
 * (null when none exists yet: the sender creates one). Null altogether when the bot knows no
 * Teams account for the user.
 */
export async function personalChatFor(
  db: Db,
  userId: string,
): Promise<{ teamsId: string; conversation: StoredConversation | null } | null> {
  const user = await db.selectFrom('users').select(['teams_id']).where('id', '=', userId).executeTakeFirst();
  if (!user?.teams_id) return null;
  const conv = await db
    .selectFrom('conversations')
    .select('id')
    .where('conversation_type', '=', 'personal')
    .where('user_teams_id', '=', user.teams_id)
    .where('active', '=', true)
    .orderBy('updated_at', 'desc')
    .executeTakeFirst();
  return { teamsId: user.teams_id, conversation: conv ? await getConversation(db, conv.id) : null };
}

/**
 * The most recently used conversation whose reference `accept`s (by its service URL); its service
 * URL, bot and tenant serve to open new chats. Looks at the 200 most recent conversations.
 */
export async function latestConversation(
  db: Db,
  accept: (serviceUrl: unknown) => boolean = () => true,
): Promise<StoredConversation | null> {
  const rows = await db.selectFrom('conversations').select(['id', 'reference']).orderBy('updated_at', 'desc').limit(200).execute();
  const hit = rows.find((r) => accept((r.reference as { serviceUrl?: unknown } | null)?.serviceUrl));
  return hit ? getConversation(db, hit.id) : null;
}

/** Remembers a posted review card so later changes update it in place. Idempotent. */
export async function recordCardPost(db: Db, occurrenceId: string, conversationId: string, activityId: string): Promise<void> {
  await db
    .insertInto('card_posts')
    .values({ occurrence_id: occurrenceId, conversation_id: conversationId, activity_id: activityId })
    .onConflict((oc) => oc.columns(['conversation_id', 'activity_id']).doNothing())
    .execute();
}

/** Every posted copy of an occurrence's review card. */
export async function cardPostsFor(db: Db, occurrenceId: string): Promise<{ conversationId: string; activityId: string }[]> {
  const rows = await db
    .selectFrom('card_posts')
    .select(['conversation_id', 'activity_id'])
    .where('occurrence_id', '=', occurrenceId)
    .execute();
  return rows.map((r) => ({ conversationId: r.conversation_id, activityId: r.activity_id }));
}

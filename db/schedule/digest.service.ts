import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { digestScopeFor, type Actor } from '../access/access.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { listSubscriptions } from '../conversations/conversations.service.js';
import { enqueueMessages, type DigestPayload } from '../outbox/outbox.service.js';
import { ForbiddenError, ValidationError } from '../errors.js';
import type { Database, Db } from '../schema.js';
import type { SummaryScope } from '../summary/access.policy.js';
import { overdueByOwner } from '../summary/work.queries.js';
import { REVIEW_TITLES, type ReviewKind } from './schedule.policy.js';
import { ZONE } from '../time/london-time.js';

/** Figures of the weekday digest for a review channel (issue 3). `districts` null: all. */
export interface DigestData {
  since: Date;
  flagged: { reference: string; recordedAs: string; strands: string[]; district: string }[];
  flaggedTotal: number;
  dueToday: { title: string; count: number }[];
  /** Pending reviews past due, by owner (most first, top 10), and how many in all: the summary's figures (db/summary overdueByOwner). */
  overdueByOwner: { owner: string; count: number }[];
  overdueTotal: number;
  highRiskOpen: { reference: string; district: string }[];
}

/** The summary scope of a channel's districts (null: all), for the figures the digest shares with the summary. */
function channelScope(districts: readonly string[] | null): SummaryScope {
  return districts
    ? { kind: 'districts', label: districts.join(', '), districts: districts.map((d) => d.toLowerCase()), aggregatesOnly: false }
    : { kind: 'force', label: 'all districts', aggregatesOnly: false };
}

/**
 * Computes the digest: flagged since `since`, due later today, overdue by owner (the same SQL as
 * the summary's overdue reviews, so the two never disagree), high-risk open.
 */
export async function digestFor(db: Db, districts: readonly string[] | null, since: Date, now: Date): Promise<DigestData> {
  const inDistrict = districts ? districts.map((d) => d.toLowerCase()) : null;
  const endOfDay = DateTime.fromJSDate(now).setZone(ZONE).endOf('day').toJSDate();
  const flaggedQ = db
    .selectFrom('occurrences')
    .select(['reference', 'recorded_as', 'strands', 'district'])
    // By flag time, not import time: history loaded today was not "flagged since the last digest".
    .where('flagged_at', '>', since)
    .where('flagged_at', '<=', now);
  const flagged = await (inDistrict ? flaggedQ.where(sql`lower(district)`, 'in', inDistrict) : flaggedQ)
    .orderBy('flagged_at', 'desc')
    .execute();
  const pendingQ = db
    .selectFrom('scheduled_reviews as r')
    .innerJoin('occurrences as o', 'o.id', 'r.occurrence_id')
    .select(['r.kind'])
    .where('r.status', '=', 'pending')
    .where('r.due_at', '>=', now)
    .where('r.due_at', '<=', endOfDay);
  const pending = await (inDistrict ? pendingQ.where(sql`lower(o.district)`, 'in', inDistrict) : pendingQ).execute();
  const dueToday = new Map<string, number>();
  for (const p of pending) dueToday.set(REVIEW_TITLES[p.kind as ReviewKind], (dueToday.get(REVIEW_TITLES[p.kind as ReviewKind]) ?? 0) + 1);
  const overdue = await overdueByOwner(db, channelScope(districts), now);
  const highQ = sql<{ reference: string; district: string }>`
    select o.reference, o.district from occurrences o
    join lateral (select risk_grade from reviews r where r.occurrence_id = o.id order by version desc limit 1) g on true
    where o.status = 'open' and g.risk_grade = 'high'
    ${inDistrict ? sql`and lower(o.district) in (${sql.join(inDistrict)})` : sql``}
    order by o.flagged_at desc limit 50`;
  const high = await highQ.execute(db);
  return {
    since,
    flagged: flagged
      .slice(0, 15)
      .map((f) => ({ reference: f.reference, recordedAs: f.recorded_as, strands: f.strands, district: f.district })),
    flaggedTotal: flagged.length,
    dueToday: [...dueToday].map(([title, count]) => ({ title, count })),
    overdueByOwner: overdue.owners,
    overdueTotal: overdue.total,
    highRiskOpen: high.rows,
  };
}

/**
 * When the conversation's last digest (weekday or on demand) was sent, or queued if not sent yet;
 * 24 hours before `now` when it has had none. The digest is computed at send time, so it listed
 * what was flagged up to then. Read on the injected clock (sent_at, next_attempt_at), not the
 * database's wall clock (created_at).
 */
async function lastDigestAt(db: Db, conversationId: string, now: Date): Promise<Date> {
  const last = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.coalesce('sent_at', 'next_attempt_at').as('at'))
    .where('dedupe_key', 'like', `digest:${conversationId.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`)
    .where('status', '!=', 'dead')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.at ?? new Date(now.getTime() - 86_400_000);
}

/**
 * Queues the digest now, on demand (`digest now`, issue 12 item 7): in a review channel for its
 * districts, in a personal chat for the coordinator's. Flagged since this conversation's last
 * digest (or the last 24 hours); sent through the outbox's `digest` payload. Audited.
 * @param personal true in a personal chat (the channel's subscriptions are not asked)
 * @returns the digest's districts (null: all)
 * @throws ForbiddenError not a coordinator, or the channel receives districts they do not cover
 * @throws ValidationError a group conversation that is not a review channel
 */
export async function requestDigest(
  conn: Kysely<Database>,
  actor: Actor,
  conversationId: string,
  personal: boolean,
  now: Date,
): Promise<string[] | null> {
  const channelDistricts = personal ? null : await listSubscriptions(conn, conversationId);
  const scope = digestScopeFor(actor, channelDistricts);
  if (!scope.ok) throw new ForbiddenError(scope.why);
  if (channelDistricts && channelDistricts.length === 0)
    throw new ValidationError('this conversation is not a review channel: the digest is posted in a review channel or in a personal chat', [
      { path: 'conversation', message: 'this conversation is not a review channel: ask in a review channel or in a personal chat' },
    ]);
  const since = await lastDigestAt(conn, conversationId, now);
  const payload: DigestPayload = { type: 'digest', districts: scope.districts, since: since.toISOString() };
  await conn.transaction().execute(async (trx) => {
    await enqueueMessages(trx, [{ dedupeKey: `digest:${conversationId}:now:${now.toISOString()}`, conversationId, payload }], now);
    await recordAudit(trx, {
      actor: actor.label,
      action: 'digest.requested',
      entityType: 'conversation',
      entityId: conversationId,
      details: { districts: scope.districts, since: payload.since },
    });
  });
  return scope.districts;
}

/**
 * Queues the weekday digest for every active review channel (issue 3): one per channel per
 * Europe/London day (dedupe key), covering what was flagged since that channel's last digest
 * (or the last 24 hours). The digest names the channel's districts and is computed and rendered
 * when sent (bot/proactive/renderer.ts).
 * @returns how many digests were newly queued
 */
export async function queueDigests(conn: Kysely<Database>, now: Date): Promise<number> {
  const subs = await conn
    .selectFrom('review_subscriptions as s')
    .innerJoin('conversations as c', 'c.id', 's.conversation_id')
    .select(['s.conversation_id', 's.district'])
    .where('c.active', '=', true)
    .execute();
  const byConversation = new Map<string, string[]>();
  for (const s of subs) byConversation.set(s.conversation_id, [...(byConversation.get(s.conversation_id) ?? []), s.district]);
  const day = DateTime.fromJSDate(now).setZone(ZONE).toISODate();
  let queued = 0;
  for (const [conversationId, districts] of byConversation) {
    const since = await lastDigestAt(conn, conversationId, now);
    const payload: DigestPayload = { type: 'digest', districts: districts.includes('*') ? null : districts, since: since.toISOString() };
    queued += await enqueueMessages(conn, [{ dedupeKey: `digest:${conversationId}:${day}`, conversationId, payload }], now);
  }
  return queued;
}

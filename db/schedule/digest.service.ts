import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { enqueueMessages } from '../outbox/outbox.service.js';
import type { Database, Db } from '../schema.js';
import { REVIEW_TITLES, type ReviewKind } from './schedule.policy.js';

const ZONE = 'Europe/London';

/** Figures of the weekday digest for a review channel (issue 3). `districts` null: all. */
export interface DigestData {
  since: Date;
  flagged: { reference: string; recordedAs: string; strands: string[]; district: string }[];
  flaggedTotal: number;
  dueToday: { title: string; count: number }[];
  overdueByOwner: { owner: string; count: number }[];
  highRiskOpen: { reference: string; district: string }[];
}

/** Computes the digest: flagged since `since`, due today, overdue by owner, high-risk open. */
export async function digestFor(db: Db, districts: readonly string[] | null, since: Date, now: Date): Promise<DigestData> {
  const inDistrict = districts ? districts.map((d) => d.toLowerCase()) : null;
  const endOfDay = DateTime.fromJSDate(now).setZone(ZONE).endOf('day').toJSDate();
  const flaggedQ = db.selectFrom('occurrences').select(['reference', 'recorded_as', 'strands', 'district']).where('created_at', '>=', since).where('created_at', '<=', now);
  const flagged = await (inDistrict ? flaggedQ.where(sql`lower(district)`, 'in', inDistrict) : flaggedQ).orderBy('flagged_at', 'desc').execute();
  const pendingQ = db
    .selectFrom('scheduled_reviews as r')
    .innerJoin('occurrences as o', 'o.id', 'r.occurrence_id')
    .select(['r.kind', 'r.seq', 'r.due_at', 'r.owner_role', 'o.oic_upn', 'o.oic_name', 'o.supervisor_upn', 'o.supervisor_name', 'o.district'])
    .where('r.status', '=', 'pending')
    .where('r.due_at', '<=', endOfDay);
  const pending = await (inDistrict ? pendingQ.where(sql`lower(o.district)`, 'in', inDistrict) : pendingQ).execute();
  const dueToday = new Map<string, number>();
  const overdue = new Map<string, number>();
  for (const p of pending) {
    if (p.due_at > now) dueToday.set(REVIEW_TITLES[p.kind as ReviewKind], (dueToday.get(REVIEW_TITLES[p.kind as ReviewKind]) ?? 0) + 1);
    else {
      const owner =
        p.owner_role === 'oic' ? (p.oic_name ?? p.oic_upn ?? 'OIC not recorded') : p.owner_role === 'supervisor' ? (p.supervisor_name ?? p.supervisor_upn ?? 'supervisor not recorded') : `Coordinator (${p.district})`;
      overdue.set(owner, (overdue.get(owner) ?? 0) + 1);
    }
  }
  const highQ = sql<{ reference: string; district: string }>`
    select o.reference, o.district from occurrences o
    join lateral (select risk_grade from reviews r where r.occurrence_id = o.id order by version desc limit 1) g on true
    where o.status = 'open' and g.risk_grade = 'high'
    ${inDistrict ? sql`and lower(o.district) in (${sql.join(inDistrict)})` : sql``}
    order by o.flagged_at desc limit 50`;
  const high = await highQ.execute(db);
  return {
    since,
    flagged: flagged.slice(0, 15).map((f) => ({ reference: f.reference, recordedAs: f.recorded_as, strands: f.strands, district: f.district })),
    flaggedTotal: flagged.length,
    dueToday: [...dueToday].map(([title, count]) => ({ title, count })),
    overdueByOwner: [...overdue].map(([owner, count]) => ({ owner, count })).sort((a, b) => b.count - a.count),
    highRiskOpen: high.rows,
  };
}

/**
 * Queues the weekday digest for every active review channel (issue 3): one per channel per
 * Europe/London day (dedupe key), covering what was flagged since that channel's last digest
 * (or the last 24 hours). `render` turns the figures into a card.
 * @returns how many digests were newly queued
 */
export async function queueDigests(
  conn: Kysely<Database>,
  now: Date,
  render: (data: DigestData, scope: string, now: Date) => Record<string, unknown>,
): Promise<number> {
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
    const all = districts.includes('*');
    const last = await conn
      .selectFrom('outbox')
      .select('created_at')
      .where('dedupe_key', 'like', `digest:${conversationId.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const since = last?.created_at ?? new Date(now.getTime() - 86_400_000);
    const data = await digestFor(conn, all ? null : districts, since, now);
    const card = render(data, all ? 'all districts' : districts.join(', '), now);
    queued += await enqueueMessages(conn, [{ dedupeKey: `digest:${conversationId}:${day}`, conversationId, payload: { type: 'card', card } }], now);
  }
  return queued;
}

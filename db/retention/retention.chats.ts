import { sql } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import type { Db } from '../schema.js';
import { erasureEntry } from './retention.audit.js';
import type { RetentionPeriods } from './retention.policy.js';

// A message for a user's personal chat is queued to `user:<uuid>`; an in-place update to the chat's
// own conversation id. Either way the conversation is a personal one.
const PERSONAL_TARGET = sql<boolean>`(b.conversation_id like 'user:%'
  or b.conversation_id in (select c.id from conversations c where c.conversation_type = 'personal'))`;
// Only messages that are finished with: sent, given up, or set aside.
const FINISHED = sql<boolean>`b.status in ('sent', 'dead', 'skipped')`;

/**
 * Erases, for up to `limit` reviews answered (done or not applicable) before `before`, what the
 * bot keeps of their prompts in personal chats: the outbox rows that carried them (prompts, chases,
 * in-place updates) and the posted-prompt references. A review answered stays answered, so nothing
 * will be sent for it again; a cancelled review may be reinstated and is left alone. Copies in
 * channels (escalations) are not personal chats and stay. Claimed FOR UPDATE SKIP LOCKED; one
 * audit entry per review, on its occurrence's trail.
 * @returns how many reviews had records erased
 */
export async function erasePersonalChatPrompts(trx: Db, before: Date, periods: RetentionPeriods, limit: number): Promise<number> {
  // Candidates come from what is left to erase (posts and messages), not from every old review.
  const due = await trx
    .selectFrom('scheduled_reviews as r')
    .select(['r.id', 'r.occurrence_id', 'r.kind', 'r.seq', 'r.status', 'r.completed_at'])
    .where('r.status', 'in', ['done', 'not_applicable'])
    .where('r.completed_at', '<', before)
    .where(
      sql<boolean>`r.id in (
        select pp.scheduled_review_id from prompt_posts pp join conversations c on c.id = pp.conversation_id
        where c.conversation_type = 'personal'
        union all
        select (b.payload ->> 'scheduledReviewId')::uuid from outbox b
        where b.kind in ('review_prompt', 'review_prompt_update') and ${FINISHED} and ${PERSONAL_TARGET})`,
    )
    .orderBy('r.completed_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  if (due.length === 0) return 0;
  const ids = due.map((d) => d.id);
  const posts = await trx
    .deleteFrom('prompt_posts')
    .where('scheduled_review_id', 'in', ids)
    .where('conversation_id', 'in', (eb) => eb.selectFrom('conversations').select('id').where('conversation_type', '=', 'personal'))
    .returning('scheduled_review_id as id')
    .execute();
  const messages = await trx
    .deleteFrom('outbox as b')
    .where(sql<boolean>`b.kind in ('review_prompt', 'review_prompt_update')`)
    .where(sql`b.payload ->> 'scheduledReviewId'`, 'in', ids)
    .where(FINISHED)
    .where(PERSONAL_TARGET)
    .returning(sql<string>`b.payload ->> 'scheduledReviewId'`.as('id'))
    .execute();
  const count = (rows: readonly { id: string }[], id: string) => rows.filter((r) => r.id === id).length;
  await recordAudit(
    trx,
    ...due.map((d) =>
      erasureEntry(
        'personal_chat_prompt',
        periods,
        { type: 'occurrence', id: d.occurrence_id },
        {
          scheduledReviewId: d.id,
          kind: d.kind,
          seq: d.seq,
          answer: d.status,
          completedAt: d.completed_at?.toISOString() ?? null,
          erased: { promptPosts: count(posts, d.id), outboxMessages: count(messages, d.id) },
        },
      ),
    ),
  );
  return due.length;
}

/**
 * Erases up to `limit` personal chats' stored conversation references that nothing needs any
 * more: no activity from the user (message, install) since `before`, no message to the chat or
 * its user queued, being sent or sent since then, and no review subscription, posted card or
 * prompt, or meeting that points at it. The bot opens the chat again (a new reference) the next
 * time it has something for the user. Claimed FOR UPDATE SKIP LOCKED; one audit entry per chat.
 * @returns how many conversation references were erased
 */
export async function eraseIdlePersonalChats(trx: Db, before: Date, periods: RetentionPeriods, limit: number): Promise<number> {
  const due = await trx
    .with('busy', (db) =>
      db
        .selectFrom('outbox as b')
        .select('b.conversation_id')
        .distinct()
        .where((eb) =>
          eb.or([eb('b.status', 'in', ['pending', 'sending']), eb(sql`coalesce(b.sent_at, b.next_attempt_at)`, '>=', before)]),
        ),
    )
    .selectFrom('conversations as c')
    .leftJoin('users as u', 'u.teams_id', 'c.user_teams_id')
    .select(['c.id', 'c.updated_at'])
    .where('c.conversation_type', '=', 'personal')
    .where('c.updated_at', '<', before)
    .where(sql<boolean>`not exists (select 1 from review_subscriptions s where s.conversation_id = c.id)`)
    .where(sql<boolean>`not exists (select 1 from card_posts p where p.conversation_id = c.id)`)
    .where(sql<boolean>`not exists (select 1 from prompt_posts p where p.conversation_id = c.id)`)
    .where(sql<boolean>`not exists (select 1 from meetings m where m.conversation_id = c.id)`)
    .where(sql<boolean>`not exists (select 1 from busy where busy.conversation_id in (c.id, 'user:' || u.id::text))`)
    .orderBy('c.updated_at')
    .limit(limit)
    .forUpdate('c')
    .skipLocked()
    .execute();
  if (due.length === 0) return 0;
  const erased = await trx
    .deleteFrom('conversations')
    .where(
      'id',
      'in',
      due.map((d) => d.id),
    )
    .returning('id')
    .execute();
  const gone = new Set(erased.map((e) => e.id));
  await recordAudit(
    trx,
    ...due
      .filter((d) => gone.has(d.id))
      .map((d) =>
        erasureEntry('personal_chat', periods, { type: 'conversation', id: d.id }, { lastActivityAt: d.updated_at.toISOString() }),
      ),
  );
  return due.length;
}

import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../schema.js';

const id = z.string().min(1);
const reroute = z.object({ district: z.string() }).optional();
const instant = z.string().datetime({ offset: true });
/** A review prompt's step (db/schedule/schedule.steps.ts STEP_NAMES, and a snooze that has ended). */
const promptStep = z.enum(['prompt', 'chase', 'escalate_supervisor', 'escalate_channel', 'snoozed']);

/** A summary's scope as stored (db/summary SummaryScope). */
const summaryScope = z.union([
  z.object({ kind: z.literal('force'), label: z.string(), aggregatesOnly: z.boolean() }),
  z.object({ kind: z.literal('districts'), label: z.string(), districts: z.array(z.string()), aggregatesOnly: z.boolean() }),
  z.object({
    kind: z.literal('own'),
    label: z.string(),
    upn: z.string(),
    districts: z.array(z.string()).nullable(),
    aggregatesOnly: z.literal(false),
  }),
]);

/**
 * What the dispatcher should send, as stored in the outbox: typed payloads that name what to show
 * (an occurrence, a scheduled review, an action, a digest's channel scope, a summary's scope and
 * period), never a rendered card. One renderer (bot/proactive/renderer.ts) turns each type into its
 * card at send time, so a late send shows the current state. A message's `conversationId` is a
 * conversation id, or `user:<uuid>` for a user's personal chat (created when none exists yet).
 * Rows are read back through this schema, so a row queued by another build that this one cannot
 * read is set aside, not half-sent.
 */
export const outboxPayloadSchema = z.union([
  z.object({ type: z.literal('review_card'), occurrenceId: id, mode: z.literal('post') }),
  z.object({ type: z.literal('review_card'), occurrenceId: id, mode: z.literal('update'), activityId: id }),
  z.object({
    type: z.literal('review_prompt'),
    scheduledReviewId: id,
    step: promptStep,
    mode: z.literal('post'),
    /** The owner could not be reached in Teams: this copy went to the review channel instead. */
    unreachable: z.boolean(),
    /** District whose review channels take the prompt if the owner's chat refuses it (403). */
    district: z.string(),
  }),
  z.object({ type: z.literal('review_prompt_update'), scheduledReviewId: id, activityId: id }),
  /**
   * Several review steps due together for one conversation, as ONE card listing them (issue 13
   * item 2, issue 12 item 7), queued by the sweep (db/schedule/sweep.repository.ts). `batchKey` is
   * the dedupe key of the row that first queued this list (a re-routed copy keeps it, with its own
   * items): the card's answers name it, and the items are read back from that row.
   */
  z.object({
    type: z.literal('review_prompt_batch'),
    batchKey: id,
    mode: z.literal('post'),
    items: z
      .array(
        z.object({
          scheduledReviewId: id,
          step: promptStep,
          /** The owner could not be reached in Teams: this item came to the review channel instead. */
          unreachable: z.boolean(),
          /** District whose review channels take the item if the recipient's chat refuses it (403). */
          district: z.string(),
        }),
      )
      .min(1),
  }),
  /** A delivery-plan action to its holder: on assignment, as a meeting update request or nudge, or as an overdue chase (issue 4). */
  z.object({
    type: z.literal('action'),
    actionId: id,
    mode: z.enum(['assigned', 'update_request', 'nudge', 'overdue']),
    /** The tactical meeting an update request or nudge is for. */
    meeting: z.object({ kind: z.string(), startsAt: instant }).nullable(),
    /** The holder could not be reached in Teams: this copy went to the coordinator instead. */
    unreachable: z.boolean(),
    reroute,
  }),
  /** The weekday digest of a review channel (issue 3): its districts (null: all), flagged since `since`. */
  z.object({ type: z.literal('digest'), districts: z.array(z.string()).nullable(), since: instant }),
  /** A scheduled summary (issue 5): the scope it was queued for, and the period as read at `asOf`. */
  z.object({ type: z.literal('summary'), scope: summaryScope, period: z.enum(['last week', 'last month']), asOf: instant }),
  /** A card rendered when queued, by an earlier build: still read and sent, but no service queues it any more. */
  z.object({ type: z.literal('card'), card: z.record(z.unknown()), text: z.string().optional(), reroute }),
  z.object({ type: z.literal('text'), text: z.string(), reroute }),
  /**
   * One reminder card listing several actions (issue 13 item 2: one card per person per cycle and
   * kind): the person's own (`recipientUserId`), or the coordinator's copy (null) with who was asked
   * and the actions nobody could be; rendered from db/actions/reminders.service.ts at send time.
   */
  z.object({
    type: z.literal('action_batch'),
    kind: z.enum(['update_request', 'nudge', 'overdue']),
    meetingId: id.nullable(),
    coordinator: z.boolean(),
    recipientUserId: id.nullable(),
  }),
]);
export type OutboxPayload = z.infer<typeof outboxPayloadSchema>;
/** A review prompt (issue 3); rendered when sent, so a late send shows the current state. */
export type ReviewPromptPayload = Extract<OutboxPayload, { type: 'review_prompt' }>;
/** Several review prompts to one conversation, as one card (issue 13 item 2). */
export type ReviewPromptBatchPayload = Extract<OutboxPayload, { type: 'review_prompt_batch' }>;
/** A delivery-plan action to its holder (issue 4). */
export type ActionPayload = Extract<OutboxPayload, { type: 'action' }>;
/** One reminder card listing several actions (issue 13). */
export type ActionBatchPayload = Extract<OutboxPayload, { type: 'action_batch' }>;
/** A review channel's weekday digest (issue 3). */
export type DigestPayload = Extract<OutboxPayload, { type: 'digest' }>;
/** A scheduled summary (issue 5). */
export type SummaryPayload = Extract<OutboxPayload, { type: 'summary' }>;

/** What is wrong with a payload, told against the variant its `type` names (a union's own message is just "Invalid input"). */
function describeProblem(error: z.ZodError): string {
  const union = error.issues.find((i) => i.code === 'invalid_union');
  const closest = union?.unionErrors
    .map((e) => e.issues)
    .filter((issues) => !issues.some((i) => i.path[0] === 'type'))
    .sort((a, b) => a.length - b.length)[0];
  const issues = closest ?? error.issues;
  return issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
}

/** A message to queue; `dedupeKey` makes enqueueing idempotent (the same key is queued once, ever). */
export interface OutboxMessage {
  dedupeKey: string;
  conversationId: string;
  payload: OutboxPayload;
}

/** A claimed message, ready to send. */
export interface ClaimedMessage extends OutboxMessage {
  id: string;
  attempts: number;
}

/**
 * Queues messages in the caller's transaction, due at `now` (the injected clock); a key already
 * queued is left as it is. Returns how many were new.
 */
export async function enqueueMessages(db: Db, messages: readonly OutboxMessage[], now: Date): Promise<number> {
  if (messages.length === 0) return 0;
  const res = await db
    .insertInto('outbox')
    .values(
      messages.map((m) => ({
        dedupe_key: m.dedupeKey,
        kind: m.payload.type,
        conversation_id: m.conversationId,
        payload: JSON.stringify(m.payload),
        claimed_by: null,
        claimed_until: null,
        last_error: null,
        result_activity_id: null,
        sent_at: null,
        next_attempt_at: now,
      })),
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0);
}

/**
 * Claims up to `limit` due messages for one worker with FOR UPDATE SKIP LOCKED, so two
 * processes never claim the same row. A claim held past `leaseSeconds` (a crashed worker)
 * becomes claimable again. Reads only due rows: each branch (pending and due; sending with its
 * lease run out) is a range scan of its own partial index (migration 2026-11-29T04), so sent
 * and given-up rows, however many, are never read.
 */
export async function claimDue(
  db: Db,
  worker: string,
  now: Date,
  limit: number,
  leaseSeconds = 120,
  perConversation = 8,
): Promise<ClaimedMessage[]> {
  const rows = await claimDueQuery(worker, now, limit, leaseSeconds, perConversation).execute(db);
  const claimed: ClaimedMessage[] = [];
  for (const r of rows.rows) {
    const payload = outboxPayloadSchema.safeParse(typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload);
    if (payload.success) {
      claimed.push({
        id: String(r.id),
        dedupeKey: r.dedupe_key,
        conversationId: r.conversation_id,
        payload: payload.data,
        attempts: r.attempts,
      });
      continue;
    }
    const problem = describeProblem(payload.error);
    await markFailed(db, String(r.id), worker, { status: 'dead', error: `unreadable payload, not sent: ${problem}`.slice(0, 1000) });
  }
  return claimed;
}

/** claimDue's statement, unexecuted (benchmarks EXPLAIN it); the arguments are claimDue's. */
export function claimDueQuery(worker: string, now: Date, limit: number, leaseSeconds: number, perConversation: number) {
  const leaseUntil = new Date(now.getTime() + leaseSeconds * 1000);
  // Fair shares: at most `perConversation` messages of one conversation per claim, so a busy
  // review channel (paced by Teams' per-conversation limits) cannot hold back everyone's prompts.
  // Window functions cannot take row locks, so the candidates are chosen first and locked after,
  // each branch written so that it matches its partial index's predicate exactly (an OR of the
  // two would not). The lock re-checks the row's state: another worker may have claimed it since.
  return sql<{ id: string | number; dedupe_key: string; conversation_id: string; payload: unknown; attempts: number }>`
    with due as (
      select id, conversation_id, next_attempt_at as due_at from outbox where status = 'pending' and next_attempt_at <= ${now}
      union all
      select id, conversation_id, claimed_until as due_at from outbox where status = 'sending' and claimed_until < ${now}
    ), shares as (
      select id, due_at, row_number() over (partition by conversation_id order by due_at, id) as share from due
    ), chosen as (
      select id from shares where share <= ${perConversation} order by share, due_at, id limit ${limit}
    )
    update outbox set status = 'sending', claimed_by = ${worker}, claimed_until = ${leaseUntil}, attempts = attempts + 1
    where id in (
      select id from outbox
      where id in (select id from chosen)
      and ((status = 'pending' and next_attempt_at <= ${now}) or (status = 'sending' and claimed_until < ${now}))
      for update skip locked)
    returning id, dedupe_key, conversation_id, payload, attempts`;
}

/**
 * Hands a claimed message back unsent until `at`, without counting the attempt: its conversation
 * is at Teams' rate limit, and waiting would hold up messages to others.
 */
export async function deferClaimed(db: Db, id: string, worker: string, at: Date): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ status: 'pending', next_attempt_at: at, claimed_until: null, attempts: eb('attempts', '-', 1) }))
    .where('id', '=', id as never)
    .where('claimed_by', '=', worker)
    .execute();
}

/** Marks a claimed message sent (only if this worker still holds it). */
export async function markSent(db: Db, id: string, worker: string, now: Date, activityId: string | null): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'sent', sent_at: now, result_activity_id: activityId, claimed_until: null, last_error: null })
    .where('id', '=', id as never)
    .where('claimed_by', '=', worker)
    .execute();
}

/** Puts a claimed message back for a later attempt, or gives up on it (`dead`/`skipped`) with the reason. */
export async function markFailed(
  db: Db,
  id: string,
  worker: string,
  outcome: { retryAt: Date; error: string } | { status: 'dead' | 'skipped'; error: string },
): Promise<void> {
  const set =
    'retryAt' in outcome
      ? { status: 'pending' as const, next_attempt_at: outcome.retryAt, last_error: outcome.error, claimed_until: null }
      : { status: outcome.status, last_error: outcome.error, claimed_until: null };
  await db
    .updateTable('outbox')
    .set(set)
    .where('id', '=', id as never)
    .where('claimed_by', '=', worker)
    .execute();
}

/** Counts of messages by status, for health and tests. */
export async function outboxCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('outbox')
    .select(['status', db.fn.countAll().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** The soonest time a pending message falls due, or null when none is pending. */
export async function nextDueAt(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min('next_attempt_at').as('next'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return (row?.next as Date | null | undefined) ?? null;
}

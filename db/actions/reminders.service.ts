import type { Kysely } from 'kysely';
import { allow, canSeePlan } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { reviewChannelsByDistrict } from '../conversations/conversations.service.js';
import { enqueueMessages, type ActionBatchPayload, type OutboxMessage } from '../outbox/outbox.service.js';
import type { Database, Db } from '../schema.js';
import { withRetry } from '../transactions.js';
import type { ActionActor } from './actions.model.js';
import { findById, updatesFor } from './actions.repository.js';
import type { ActionDetail } from './actions.service.js';
import { extendSeries, toMeeting, type Meeting } from '../meetings/meetings.series.js';
import { addDays, inLondon, londonDate } from '../time/london-time.js';
import { reminderPlan, windowOpens, type BatchSpec, type ReminderConfig, type ReminderKind, type ReminderPlan } from './reminder-batch.js';

export type { BatchSpec, ReminderConfig, ReminderKind } from './reminder-batch.js';

const reachable = async (db: Db, userId: string | null): Promise<boolean> =>
  Boolean(
    userId &&
    (await db.selectFrom('users').select('teams_id').where('id', '=', userId).where('teams_id', 'is not', null).executeTakeFirst()),
  );

/** Where the coordinator's card goes: the tactical meeting's chat, else whoever scheduled it, else the force-wide review channels. */
async function coordinatorTargets(db: Db, meeting: Meeting | null): Promise<string[]> {
  if (meeting?.conversationId) return [meeting.conversationId];
  const by = meeting && (await db.selectFrom('meetings').select('created_by').where('id', '=', meeting.id).executeTakeFirst())?.created_by;
  if (by && (await reachable(db, by))) return [`user:${by}`];
  return (await reviewChannelsByDistrict(db, ['*'])).get('*') ?? [];
}

/** The next tactical meeting, locked for this run (series extended first). */
async function nextTactical(trx: Db, now: Date): Promise<Meeting | null> {
  await extendSeries(trx, now);
  const row = await trx
    .selectFrom('meetings')
    .selectAll()
    .where('kind', '=', 'tactical')
    .where('starts_at', '>', now)
    .orderBy('starts_at')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  return row ? toMeeting(row) : null;
}

/** The reminder kinds due today, with their cycle (the meeting's id, or the London ISO week for overdue chases). */
function dueKinds(m: Meeting | null, cfg: ReminderConfig, now: Date): { kind: ReminderKind; cycle: string; meeting: Meeting | null }[] {
  const today = londonDate(now);
  const out: { kind: ReminderKind; cycle: string; meeting: Meeting | null }[] = [];
  if (m && today >= windowOpens(m, cfg)) {
    out.push({ kind: 'update_request', cycle: `meeting-update:${m.id}`, meeting: m });
    // The nudge from the nudge day on, never on the day of the prompts themselves.
    const nudgeDay = addDays(londonDate(m.startsAt), -cfg.nudgeDaysBefore);
    if (today >= nudgeDay && m.promptsSentAt !== null && londonDate(m.promptsSentAt) < today)
      out.push({ kind: 'nudge', cycle: `meeting-nudge:${m.id}`, meeting: m });
  }
  out.push({ kind: 'overdue', cycle: `action-overdue:${inLondon(now).toFormat("kkkk-'W'WW")}`, meeting: m });
  return out;
}

function messagesFor(
  plan: ReminderPlan,
  kind: ReminderKind,
  cycle: string,
  meetingId: string | null,
  coordinator: string[],
): OutboxMessage[] {
  const payload = (recipientUserId: string | null): ActionBatchPayload => ({
    type: 'action_batch',
    kind,
    meetingId,
    coordinator: recipientUserId === null,
    recipientUserId,
  });
  const people = [...plan.byPerson.keys()].map((userId) => ({
    dedupeKey: `${cycle}:user:${userId}`,
    conversationId: `user:${userId}`,
    payload: payload(userId),
  }));
  const anything = plan.byPerson.size > 0 || plan.unreachable.length > 0;
  const coord = anything
    ? coordinator.map((c) => ({ dedupeKey: `${cycle}:coordinator:${c}`, conversationId: c, payload: payload(null) }))
    : [];
  return [...people, ...coord];
}

/** Queues only messages not queued before, auditing each with the actions it names. */
async function enqueueNew(db: Db, messages: OutboxMessage[], refsOf: (m: OutboxMessage) => string[], now: Date): Promise<OutboxMessage[]> {
  if (messages.length === 0) return [];
  const keys = messages.map((m) => m.dedupeKey);
  const existing = new Set(
    (await db.selectFrom('outbox').select('dedupe_key').where('dedupe_key', 'in', keys).execute()).map((r) => r.dedupe_key),
  );
  const fresh = messages.filter((m) => !existing.has(m.dedupeKey));
  await enqueueMessages(db, fresh, now);
  await recordAudit(
    db,
    ...fresh.map((m) => ({
      actor: 'system:action-reminders',
      action: 'action.reminder_queued',
      entityType: 'action',
      entityId: '*',
      details: { key: m.dedupeKey, conversationId: m.conversationId, refs: refsOf(m) },
    })),
  );
  return fresh;
}

/** What one reminder run queued, for the job's log and the coordinator's answer when a meeting is scheduled. */
export interface ReminderCounts {
  /** Messages newly queued: the people's cards and the coordinator's. */
  messages: number;
  /** People newly sent a card, and how many distinct actions those cards list. */
  people: number;
  actions: number;
  /** Actions nobody could be asked for in Teams, listed on the coordinator's newly queued card. */
  unreachable: number;
}

/**
 * The reminder rules (issues 4 and 13; seed 001 1.7: updates about 7 days before the tactical
 * meeting), without floods: per cycle and kind every person gets at most ONE card listing all
 * their actions that need it, and the coordinator one card saying who was asked for what and
 * listing the actions nobody could be asked for. From `updateDaysBefore` days before the next
 * tactical meeting (London dates): update requests for every open action; from `nudgeDaysBefore`
 * days before, nudges for those with no dated update since; overdue actions are chased once a
 * London ISO week (the first run after they fall overdue, then weekly). An agency's actions go
 * to its named contacts (contacts.ts). Each card has a dedupe key, so it is never queued twice. Audited.
 * @returns what was newly queued (ReminderCounts)
 */
export async function queueActionReminders(conn: Kysely<Database>, cfg: ReminderConfig, now: Date): Promise<ReminderCounts> {
  return withRetry(() =>
    conn.transaction().execute(async (trx) => {
      const m = await nextTactical(trx, now);
      const counts: ReminderCounts = { messages: 0, people: 0, actions: 0, unreachable: 0 };
      const asked = new Set<string>();
      for (const due of dueKinds(m, cfg, now)) {
        const meetingId = due.kind === 'overdue' ? null : due.meeting!.id;
        const plan = await reminderPlan(trx, { kind: due.kind, meetingId }, cfg, now);
        const messages = messagesFor(plan, due.kind, due.cycle, meetingId, await coordinatorTargets(trx, due.meeting));
        const refsOf = (msg: OutboxMessage) => {
          const p = msg.payload as ActionBatchPayload;
          return (p.recipientUserId ? (plan.byPerson.get(p.recipientUserId)?.actions ?? []) : plan.unreachable).map((a) => a.ref);
        };
        const fresh = await enqueueNew(trx, messages, refsOf, now);
        counts.messages += fresh.length;
        for (const msg of fresh) {
          const p = msg.payload as ActionBatchPayload;
          if (p.recipientUserId === null) continue;
          counts.people++;
          for (const a of plan.byPerson.get(p.recipientUserId)?.actions ?? []) asked.add(a.id);
        }
        if (fresh.some((msg) => (msg.payload as ActionBatchPayload).recipientUserId === null))
          counts.unreachable += plan.unreachable.length;
      }
      counts.actions = asked.size;
      if (m && dueKinds(m, cfg, now).some((d) => d.kind === 'update_request'))
        await trx
          .updateTable('meetings')
          .set({ prompts_sent_at: m.promptsSentAt ?? now })
          .where('id', '=', m.id)
          .execute();
      return counts;
    }),
  );
}

/** A reminder card's content: its actions (with their updates), who was asked (the coordinator's copy), the meeting. */
export interface ReminderBatch {
  spec: BatchSpec;
  meeting: { kind: string; startsAt: Date } | null;
  items: ActionDetail[];
  updatedSince: string[];
  /** The coordinator's copy: who was asked for which refs. */
  sent: { name: string; refs: string[] }[] | null;
}

async function batch(db: Db, spec: BatchSpec, recipientUserId: string | null, cfg: ReminderConfig, now: Date): Promise<ReminderBatch> {
  const plan = await reminderPlan(db, spec, cfg, now);
  const actions = spec.coordinator ? plan.unreachable : (plan.byPerson.get(recipientUserId ?? '')?.actions ?? []);
  const updates = await updatesFor(
    db,
    actions.map((a) => a.id),
  );
  return {
    spec,
    meeting: plan.meeting && { kind: plan.meeting.kind, startsAt: plan.meeting.startsAt },
    items: actions.map((action) => ({ action, updates: updates.get(action.id) ?? [] })),
    updatedSince: actions.filter((a) => plan.updatedSince.has(a.id)).map((a) => a.id),
    sent: spec.coordinator
      ? [...plan.byPerson.values()]
          .map((p) => ({ name: p.name, refs: p.actions.map((a) => a.ref) }))
          .sort((a, b) => a.name.localeCompare(b.name))
      : null,
  };
}

/**
 * A reminder card as the outbox sends it, read now (so a late send shows the current state). No
 * access check: the recipient was chosen when it was queued (the person, or the coordinator).
 */
export function reminderBatchForCard(db: Db, p: ActionBatchPayload, cfg: ReminderConfig, now: Date): Promise<ReminderBatch> {
  return batch(db, { kind: p.kind, meetingId: p.meetingId, coordinator: p.coordinator }, p.recipientUserId, cfg, now);
}

/**
 * A reminder card as its reader refreshes it (an update saved, a page turned): their own actions
 * of that cycle, or (the coordinator's copy) the actions nobody could be asked for. Audited as a disclosure.
 * @throws ForbiddenError for the coordinator's copy unless a coordinator or manager
 */
export async function reminderBatchFor(
  conn: Kysely<Database>,
  input: { spec: BatchSpec; actor: ActionActor; cfg: ReminderConfig; now: Date; conversationId: string | null },
): Promise<ReminderBatch> {
  if (input.spec.coordinator) allow(canSeePlan(input.actor));
  return conn.transaction().execute(async (trx) => {
    const b = await batch(trx, input.spec, input.actor.userId, input.cfg, input.now);
    await recordAudit(trx, {
      actor: input.actor.label,
      action: 'actions.listed',
      entityType: 'action',
      entityId: '*',
      details: { reminder: input.spec, refs: b.items.map((i) => i.action.ref), conversationId: input.conversationId },
    });
    return b;
  });
}

/**
 * An action with its updates (newest first), as an assignment card shows it when the outbox
 * sends it; null when the action no longer exists. No access check: the recipient was chosen
 * when the message was queued.
 */
export async function actionForCard(db: Db, actionId: string): Promise<ActionDetail | null> {
  const action = await findById(db, actionId);
  if (!action) return null;
  return { action, updates: (await updatesFor(db, [actionId])).get(actionId) ?? [] };
}

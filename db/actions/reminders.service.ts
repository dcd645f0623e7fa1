import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import { reviewChannelsByDistrict } from '../conversations/conversations.service.js';
import { enqueueMessages, type ActionPayload, type OutboxMessage } from '../outbox/outbox.service.js';
import type { Database, Db } from '../schema.js';
import { withRetry } from '../transactions.js';
import { OPEN_STATUSES, OVERDUE_STATUSES, type Action } from './actions.model.js';
import { actionsQuery, fetchActions, findById, updatesFor } from './actions.repository.js';
import type { ActionDetail } from './actions.service.js';
import { extendSeries, toMeeting, type Meeting } from '../meetings/meetings.series.js';
import { addDays, daysBetween, londonDate } from '../time/london-time.js';

/** When holders are asked (Config.actions): days before the tactical meeting for the prompt and the nudge. */
export interface ReminderConfig {
  updateDaysBefore: number;
  nudgeDaysBefore: number;
}

/** Why a holder is reminded: a meeting update request, a nudge, or an overdue chase. */
export type ReminderKind = 'update_request' | 'nudge' | 'overdue';

const reachable = async (db: Db, userId: string | null): Promise<boolean> =>
  Boolean(
    userId &&
    (await db.selectFrom('users').select('teams_id').where('id', '=', userId).where('teams_id', 'is not', null).executeTakeFirst()),
  );

/** Where a reminder goes: the holder's personal chat, else the coordinator (the meeting's chat, the assigner, the review channels). */
async function targets(db: Db, a: Action, meeting: Meeting | null): Promise<{ conversationId: string; unreachable: boolean }[]> {
  if (a.holderInTeams && a.holderUserId) return [{ conversationId: `user:${a.holderUserId}`, unreachable: false }];
  if (meeting?.conversationId) return [{ conversationId: meeting.conversationId, unreachable: true }];
  if (await reachable(db, a.createdBy)) return [{ conversationId: `user:${a.createdBy}`, unreachable: true }];
  const district = a.district ?? '*';
  return ((await reviewChannelsByDistrict(db, [district])).get(district) ?? []).map((c) => ({ conversationId: c, unreachable: true }));
}

/** One message per target and reminder: the action is named, and rendered when sent (bot/proactive/renderer.ts). */
async function build(db: Db, wanted: Wanted[]): Promise<(OutboxMessage & { actionId: string })[]> {
  const out: (OutboxMessage & { actionId: string })[] = [];
  for (const w of wanted) {
    const meeting = w.meeting && { kind: w.meeting.kind, startsAt: w.meeting.startsAt.toISOString() };
    for (const t of await targets(db, w.action, w.meeting)) {
      const payload: ActionPayload = {
        type: 'action',
        actionId: w.action.id,
        mode: w.kind,
        meeting,
        unreachable: t.unreachable,
        reroute: { district: w.action.district ?? '*' },
      };
      out.push({
        actionId: w.action.id,
        dedupeKey: t.unreachable ? `${w.key}:${t.conversationId}` : w.key,
        conversationId: t.conversationId,
        payload,
      });
    }
  }
  return out;
}

/** Queues only messages not queued before, auditing each as a disclosure of the action. */
async function enqueueNew(db: Db, messages: (OutboxMessage & { actionId: string })[], now: Date): Promise<number> {
  if (messages.length === 0) return 0;
  const existing = new Set(
    (
      await db
        .selectFrom('outbox')
        .select('dedupe_key')
        .where(
          'dedupe_key',
          'in',
          messages.map((m) => m.dedupeKey),
        )
        .execute()
    ).map((r) => r.dedupe_key),
  );
  const fresh = messages.filter((m) => !existing.has(m.dedupeKey));
  await enqueueMessages(
    db,
    fresh.map(({ dedupeKey, conversationId, payload }) => ({ dedupeKey, conversationId, payload })),
    now,
  );
  await recordAudit(
    db,
    ...fresh.map((m) => ({
      actor: 'system:action-reminders',
      action: 'action.reminder_queued',
      entityType: 'action',
      entityId: m.actionId,
      details: { key: m.dedupeKey, conversationId: m.conversationId },
    })),
  );
  return fresh.length;
}

type Wanted = { key: string; kind: ReminderKind; action: Action; meeting: Meeting | null };

async function meetingReminders(trx: Db, cfg: ReminderConfig, now: Date): Promise<Wanted[]> {
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
  if (!row) return [];
  const m = toMeeting(row);
  const today = londonDate(now);
  const meetingDay = londonDate(m.startsAt);
  const windowOpens = addDays(meetingDay, -cfg.updateDaysBefore);
  if (today < windowOpens) return [];
  const open = await fetchActions(
    actionsQuery(trx)
      .where('a.status', 'in', [...OPEN_STATUSES])
      .orderBy('a.ref'),
  );
  const wanted: Wanted[] = open.map((action) => ({
    key: `meeting-update:${m.id}:${action.id}`,
    kind: 'update_request' as const,
    action,
    meeting: m,
  }));
  // The nudge goes from the nudge day on, to holders who have given no update since the prompts opened; never on the day of the prompt itself.
  const nudgeDue = today >= addDays(meetingDay, -cfg.nudgeDaysBefore) && m.promptsSentAt !== null && londonDate(m.promptsSentAt) < today;
  if (nudgeDue) {
    const updated = await trx
      .selectFrom('action_updates')
      .select('action_id')
      .distinct()
      .where('text', 'is not', null)
      .where('update_date', '>=', windowOpens)
      .execute();
    const done = new Set(updated.map((u) => u.action_id));
    wanted.push(
      ...open
        .filter((a) => !done.has(a.id))
        .map((action) => ({ key: `meeting-nudge:${m.id}:${action.id}`, kind: 'nudge' as const, action, meeting: m })),
    );
  }
  await trx
    .updateTable('meetings')
    .set({ prompts_sent_at: m.promptsSentAt ?? now })
    .where('id', '=', m.id)
    .execute();
  return wanted;
}

async function overdueChases(trx: Db, now: Date): Promise<Wanted[]> {
  const today = londonDate(now);
  const overdue = await fetchActions(
    actionsQuery(trx).where('a.status', 'in', OVERDUE_STATUSES).where('a.due_date', '<', today).orderBy('a.due_date'),
  );
  // First chase the day after the due date, then at most once a week (week index in the key).
  return overdue.map((action) => ({
    key: `action-overdue:${action.id}:${action.dueDate}:${Math.floor((daysBetween(action.dueDate!, today) - 1) / 7)}`,
    kind: 'overdue' as const,
    action,
    meeting: null,
  }));
}

/**
 * The reminder rules of issue 4 (seed 001 1.7: updates about 7 days before the tactical
 * meeting). From `updateDaysBefore` days before the next tactical meeting (London dates) the
 * holder of every open action (not started, in progress, BAU) gets one update prompt; from
 * `nudgeDaysBefore` days before, holders with no update since the prompts opened get one nudge;
 * every overdue action (not started or in progress, past its due date) is chased the day after
 * and then weekly. Each reminder has a dedupe key, so it is never queued twice; unreachable
 * holders' reminders go to the coordinator. Audited.
 * @returns how many messages were newly queued
 */
export async function queueActionReminders(conn: Kysely<Database>, cfg: ReminderConfig, now: Date): Promise<number> {
  return withRetry(() =>
    conn.transaction().execute(async (trx) => {
      const wanted = [...(await meetingReminders(trx, cfg, now)), ...(await overdueChases(trx, now))];
      return enqueueNew(trx, await build(trx, wanted), now);
    }),
  );
}

/**
 * An action with its updates (newest first), as a reminder or assignment card shows it when the
 * outbox sends it; null when the action no longer exists. No access check: the recipient was
 * chosen when the message was queued (the holder, or the coordinator in their stead).
 */
export async function actionForCard(db: Db, actionId: string): Promise<ActionDetail | null> {
  const action = await findById(db, actionId);
  if (!action) return null;
  return { action, updates: (await updatesFor(db, [actionId])).get(actionId) ?? [] };
}

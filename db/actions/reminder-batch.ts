import type { Db } from '../schema.js';
import { toMeeting, type Meeting } from '../meetings/meetings.series.js';
import { addDays, londonDate } from '../time/london-time.js';
import { OPEN_STATUSES, OVERDUE_STATUSES, type Action } from './actions.model.js';
import { actionsQuery, fetchActions } from './actions.repository.js';
import { planOrder } from './actions.list.js';

/** When holders are asked (Config.actions): days before the tactical meeting for the prompt and the nudge. */
export interface ReminderConfig {
  updateDaysBefore: number;
  nudgeDaysBefore: number;
}

/** Why people are reminded: a meeting's update request, its nudge, or an overdue chase. */
export type ReminderKind = 'update_request' | 'nudge' | 'overdue';

/** One reminder card's identity: the same for every recipient of a cycle (cards/actions.verbs.ts BatchSpec). */
export interface BatchSpec {
  kind: ReminderKind;
  /** The tactical meeting (update requests and nudges); null for overdue chases. */
  meetingId: string | null;
  /** The coordinator's copy: who was asked for what, and the actions nobody could be asked for. */
  coordinator: boolean;
}

/** Who is asked for which actions in one cycle of one kind. */
export interface ReminderPlan {
  meeting: Meeting | null;
  /** Reachable recipients (user id) with their name and actions, in plan order. */
  byPerson: Map<string, { name: string; actions: Action[] }>;
  /** Actions with nobody to ask in Teams: the coordinator obtains their updates. */
  unreachable: Action[];
  /** Actions with a text update (dated) since the cycle's prompts opened. */
  updatedSince: Set<string>;
}

/** The day a meeting's update window opens (London): `updateDaysBefore` before the meeting day. */
export const windowOpens = (m: Meeting, cfg: ReminderConfig): string => addDays(londonDate(m.startsAt), -cfg.updateDaysBefore);

async function updatedSince(db: Db, ids: readonly string[], since: string): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('action_updates')
    .select('action_id')
    .distinct()
    .where('action_id', 'in', [...ids])
    .where('text', 'is not', null)
    // Undated (imported) updates never count as updates since a meeting.
    .where('update_date', 'is not', null)
    .where('update_date', '>=', since)
    .execute();
  return new Set(rows.map((r) => r.action_id));
}

/**
 * The actions a cycle reminds about (issue 13 item 2): update requests, every open action; nudges,
 * open actions with no dated update since the window opened; overdue chases, actions not started
 * or in progress past their due date. Each goes to every reachable contact (contacts.ts), or,
 * with none, to the coordinator. Pure reads; used to queue, to render and to refresh the cards.
 */
export async function reminderPlan(db: Db, spec: Omit<BatchSpec, 'coordinator'>, cfg: ReminderConfig, now: Date): Promise<ReminderPlan> {
  const row = spec.meetingId ? await db.selectFrom('meetings').selectAll().where('id', '=', spec.meetingId).executeTakeFirst() : undefined;
  const meeting = row ? toMeeting(row) : null;
  const today = londonDate(now);
  let q = actionsQuery(db);
  q =
    spec.kind === 'overdue'
      ? q.where('a.status', 'in', OVERDUE_STATUSES).where('a.due_date', '<', today)
      : q.where('a.status', 'in', [...OPEN_STATUSES]);
  let actions = (await fetchActions(q, db)).sort(planOrder);
  const since = meeting ? windowOpens(meeting, cfg) : today;
  const updated = await updatedSince(
    db,
    actions.map((a) => a.id),
    since,
  );
  if (spec.kind === 'nudge') actions = actions.filter((a) => !updated.has(a.id));
  const byPerson = new Map<string, { name: string; actions: Action[] }>();
  const unreachable: Action[] = [];
  for (const a of actions) {
    const reach = a.contacts.filter((c) => c.inTeams && c.userId);
    if (reach.length === 0) unreachable.push(a);
    for (const c of reach) {
      const entry = byPerson.get(c.userId!) ?? { name: c.name, actions: [] };
      entry.actions.push(a);
      byPerson.set(c.userId!, entry);
    }
  }
  return { meeting, byPerson, unreachable, updatedSince: updated };
}

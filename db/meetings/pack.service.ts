import { allow, canMeetingPack } from '../access/access.policy.js';
import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { recordAudit } from '../audit/audit.service.js';
import type { Database, Db } from '../schema.js';
import {
  DISCHARGE_CANDIDATES,
  isOverdue,
  OPEN_STATUSES,
  ownerLabel,
  PILLAR_TITLES,
  PILLARS,
  type Pillar,
  UNASSIGNED,
  type Action,
  type ActionActor,
  type ActionStatus,
  type ActionUpdate,
} from '../actions/actions.model.js';
import { actionsQuery, fetchActions, updatesFor } from '../actions/actions.repository.js';
import { MEETING_TITLES } from './meetings.model.js';
import { nextInSeries, nextMeeting, previousMeeting, RECURRENCE_MONTHS, seriesStart, type Meeting } from './meetings.service.js';
import { londonDate, ZONE } from '../time/london-time.js';

/** One action as the pack lists it, with the updates given since the last meeting. */
export interface PackAction {
  ref: string;
  text: string;
  status: ActionStatus;
  owner: string;
  dueDate: string | null;
  overdue: boolean;
  updates: ActionUpdate[];
}

/** The filled-in agenda of a tactical (seed 001 appendix B) or strategic (appendix A) meeting. */
export interface MeetingPackData {
  kind: 'tactical' | 'strategic';
  title: string;
  meeting: { startsAt: Date } | null;
  /** Open actions (not started, in progress, BAU) carried to this meeting. */
  broughtForward: number;
  /** The meeting after this one in its series (agenda item "Date of next meeting"), or null. */
  following: Date | null;
  since: Date;
  /** "the meeting on …" or "the last month / quarter" when no earlier meeting is held. */
  sinceLabel: string;
  pillars: { key: string; title: string; actions: PackAction[] }[];
  notUpdated: { owner: string; refs: string[] }[];
  proposedDischarge: PackAction[];
  raisedAtLast: PackAction[];
  figures: {
    crime: number;
    nchi: number;
    byDistrict: { district: string; crime: number; nchi: number }[];
    actionsByStatus: { status: ActionStatus; count: number }[];
    overdueActions: number;
  };
}

async function sinceWhen(
  db: Db,
  kind: 'tactical' | 'strategic',
  meeting: Meeting | null,
  now: Date,
): Promise<{ since: Date; label: string; last: Meeting | null }> {
  const last = await previousMeeting(db, kind, meeting?.startsAt ?? now);
  if (last && last.startsAt <= now)
    return {
      since: last.startsAt,
      label: `the last ${kind} meeting (${DateTime.fromJSDate(last.startsAt).setZone(ZONE).toFormat('d LLL yyyy')})`,
      last,
    };
  const months = RECURRENCE_MONTHS[kind === 'tactical' ? 'monthly' : 'quarterly'];
  return {
    since: DateTime.fromJSDate(now).setZone(ZONE).minus({ months }).startOf('day').toJSDate(),
    label: kind === 'tactical' ? 'the last month (no earlier meeting held)' : 'the last quarter (no earlier meeting held)',
    last: null,
  };
}

async function figures(db: Db, since: Date, now: Date, actions: Action[]): Promise<MeetingPackData['figures']> {
  const rows = await sql<{ district: string; recorded_as: string; n: string | number }>`
    select district, recorded_as, count(*) as n from occurrences
    where flagged_at >= ${since} and flagged_at <= ${now} group by district, recorded_as order by district`.execute(db);
  const byDistrict = new Map<string, { district: string; crime: number; nchi: number }>();
  for (const r of rows.rows) {
    const d = byDistrict.get(r.district) ?? { district: r.district, crime: 0, nchi: 0 };
    if (r.recorded_as === 'nchi') d.nchi += Number(r.n);
    else d.crime += Number(r.n);
    byDistrict.set(r.district, d);
  }
  const list = [...byDistrict.values()];
  const counts = new Map<ActionStatus, number>();
  for (const a of actions) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  const today = londonDate(now);
  return {
    crime: list.reduce((s, d) => s + d.crime, 0),
    nchi: list.reduce((s, d) => s + d.nchi, 0),
    byDistrict: list,
    actionsByStatus: [...counts].map(([status, count]) => ({ status, count })),
    overdueActions: actions.filter((a) => isOverdue(a, today)).length,
  };
}

/**
 * Builds the pack for the next tactical or strategic meeting (or, with none scheduled, for the
 * next one to come): actions by pillar with updates since the last meeting, open actions with
 * no update since then (by owner), actions proposed for discharge (completed or BAU; the
 * tactical lead decides, seed 001 1.8), actions raised at the last meeting, and figures (hate
 * occurrences flagged since the last meeting by district, crime/NCHI; actions by status).
 * Records the posting on the meeting and in the audit log.
 * @throws ForbiddenError unless a coordinator or manager
 */
export async function meetingPack(
  conn: Kysely<Database>,
  input: { kind: 'tactical' | 'strategic'; actor: ActionActor; conversationId: string | null; now: Date },
): Promise<MeetingPackData> {
  allow(canMeetingPack(input.actor));
  const { kind, now } = input;
  return conn.transaction().execute(async (trx) => {
    const meeting = await nextMeeting(trx, kind, now);
    const { since, label, last } = await sinceWhen(trx, kind, meeting, now);
    const sinceDate = londonDate(since);
    const all = await fetchActions(actionsQuery(trx).orderBy('a.ref'));
    const updates = await updatesFor(
      trx,
      all.map((a) => a.id),
    );
    const today = londonDate(now);
    const toPack = (a: Action): PackAction => ({
      ref: a.ref,
      text: a.text,
      status: a.status,
      owner: ownerLabel(a),
      dueDate: a.dueDate,
      overdue: isOverdue(a, today),
      updates: (updates.get(a.id) ?? []).filter((u) => u.date >= sinceDate),
    });
    const live = all.filter((a) => a.status !== 'discharged' || (updates.get(a.id) ?? []).some((u) => u.date >= sinceDate));
    // The six key actions are always listed (the agenda's numbering); actions without a pillar follow when there are any.
    const pillars = [...PILLARS, UNASSIGNED]
      .map((p) => ({
        key: p,
        title: p === UNASSIGNED ? 'Not yet assigned to a pillar' : PILLAR_TITLES[p as Pillar],
        actions: live.filter((a) => a.pillar === p).map(toPack),
      }))
      .filter((p) => p.key !== UNASSIGNED || p.actions.length > 0);
    const owners = new Map<string, string[]>();
    for (const a of all.filter((x) => OPEN_STATUSES.includes(x.status))) {
      if ((updates.get(a.id) ?? []).some((u) => u.text && u.date >= sinceDate)) continue;
      owners.set(ownerLabel(a), [...(owners.get(ownerLabel(a)) ?? []), a.ref]);
    }
    const pack: MeetingPackData = {
      kind,
      title: MEETING_TITLES[kind],
      meeting: meeting && { startsAt: meeting.startsAt },
      following: meeting
        ? nextInSeries(
            meeting.startsAt,
            meeting.recurrence,
            await seriesStart(trx, { series_id: meeting.seriesId, starts_at: meeting.startsAt }),
          )
        : null,
      broughtForward: all.filter((a) => OPEN_STATUSES.includes(a.status)).length,
      since,
      sinceLabel: label,
      pillars,
      notUpdated: [...owners].map(([owner, refs]) => ({ owner, refs })).sort((a, b) => b.refs.length - a.refs.length),
      proposedDischarge: all.filter((a) => DISCHARGE_CANDIDATES.includes(a.status)).map(toPack),
      raisedAtLast: last ? all.filter((a) => a.raisedAtMeetingId === last.id).map(toPack) : [],
      figures: await figures(trx, since, now, all),
    };
    if (meeting) await trx.updateTable('meetings').set({ pack_posted_at: now }).where('id', '=', meeting.id).execute();
    await recordAudit(trx, {
      actor: input.actor.label,
      action: 'meeting.pack_posted',
      entityType: 'meeting',
      entityId: meeting?.id ?? kind,
      details: { kind, conversationId: input.conversationId, since: since.toISOString(), actions: all.length },
    });
    return pack;
  });
}

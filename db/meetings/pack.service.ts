import { allow, canMeetingPack } from '../access/access.policy.js';
import type { Kysely } from 'kysely';
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
import { storeDocument, type DocumentLink } from '../documents/documents.service.js';
import { packFigures, type PackFigures } from './pack.figures.js';

export type { PackFigures } from './pack.figures.js';

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
  /** The six key actions in the national plan's order, each sorted by ref (1.2 before 1.10). */
  pillars: { key: string; title: string; actions: PackAction[] }[];
  notUpdated: { owner: string; refs: string[] }[];
  proposedDischarge: PackAction[];
  raisedAtLast: PackAction[];
  /** Actions marked completed since the last meeting (good news to raise, agenda item 6). */
  completedSince: PackAction[];
  /** Actions whose text, objective or an update mentions funding (agenda item 8), with the words that do. */
  funding: { action: PackAction; mention: string }[];
  /** Partner agencies holding actions (agenda item 9): their named contact, open actions and those awaiting an update. */
  partners: { agency: string; contacts: string[]; open: string[]; notUpdated: string[] }[];
  figures: PackFigures;
}

/** A posted pack: its agenda and the link to it as a Word document. */
export interface PostedPack extends MeetingPackData {
  document: DocumentLink;
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

/** Natural order of plan references: 1.2 before 1.10, 1.1 a before 1.1 b. */
const byRef = (a: { ref: string }, b: { ref: string }) => a.ref.localeCompare(b.ref, 'en-GB', { numeric: true, sensitivity: 'base' });

/** Words that mark an action as about funding (agenda item 8). */
const FUNDING = /\b(fund(s|ed|ing)?|grants?|bids?|budgets?|commission(ed|ing)?)\b/i;

/** The sentence of `text` that mentions funding, shortened; null when none does. */
function fundingMention(text: string | null): string | null {
  if (!text || !FUNDING.test(text)) return null;
  const sentence = text.split(/(?<=[.!?])\s+|\n+/).find((x) => FUNDING.test(x)) ?? text;
  return sentence.length > 300 ? `${sentence.slice(0, 299)}…` : sentence.trim();
}

async function collect(trx: Db, kind: 'tactical' | 'strategic', now: Date): Promise<{ pack: MeetingPackData; meeting: Meeting | null }> {
  const meeting = await nextMeeting(trx, kind, now);
  const { since, label, last } = await sinceWhen(trx, kind, meeting, now);
  const sinceDate = londonDate(since);
  const all = (await fetchActions(actionsQuery(trx), trx)).sort(byRef);
  const updates = await updatesFor(
    trx,
    all.map((a) => a.id),
  );
  const today = londonDate(now);
  const recent = (a: Action) => (updates.get(a.id) ?? []).filter((u) => u.date >= sinceDate);
  const toPack = (a: Action): PackAction => ({
    ref: a.ref,
    text: a.text,
    status: a.status,
    owner: ownerLabel(a),
    dueDate: a.dueDate,
    overdue: isOverdue(a, today),
    updates: recent(a),
  });
  const live = all.filter((a) => a.status !== 'discharged' || recent(a).length > 0);
  // The six key actions are always listed (the agenda's numbering); actions without a pillar follow when there are any.
  const pillars = [...PILLARS, UNASSIGNED]
    .map((p) => ({
      key: p,
      title: p === UNASSIGNED ? 'Not yet assigned to a pillar' : PILLAR_TITLES[p as Pillar],
      actions: live.filter((a) => a.pillar === p).map(toPack),
    }))
    .filter((p) => p.key !== UNASSIGNED || p.actions.length > 0);
  const open = all.filter((x) => OPEN_STATUSES.includes(x.status));
  const waiting = open.filter((a) => !recent(a).some((u) => u.text));
  const owners = new Map<string, string[]>();
  for (const a of waiting) owners.set(ownerLabel(a), [...(owners.get(ownerLabel(a)) ?? []), a.ref]);
  const agencies = new Map<string, MeetingPackData['partners'][number]>();
  for (const a of all.filter((x) => x.ownerKind === 'agency' && x.status !== 'discharged')) {
    const name = a.ownerAgency ?? 'agency not recorded';
    const p = agencies.get(name) ?? { agency: name, contacts: [], open: [], notUpdated: [] };
    // Its named contact, else the roster's contacts of the agency: who answers for it (contacts.ts).
    for (const c of a.contacts) if (!p.contacts.includes(c.name)) p.contacts.push(c.name);
    if (OPEN_STATUSES.includes(a.status)) p.open.push(a.ref);
    if (waiting.includes(a)) p.notUpdated.push(a.ref);
    agencies.set(name, p);
  }
  const funding = all.flatMap((a) => {
    const mention = [a.text, a.objective, ...(updates.get(a.id) ?? []).map((u) => u.text)].map(fundingMention).find(Boolean);
    return mention ? [{ action: toPack(a), mention }] : [];
  });
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
    broughtForward: open.length,
    since,
    sinceLabel: label,
    pillars,
    notUpdated: [...owners].map(([owner, refs]) => ({ owner, refs })).sort((a, b) => b.refs.length - a.refs.length),
    proposedDischarge: all.filter((a) => DISCHARGE_CANDIDATES.includes(a.status)).map(toPack),
    raisedAtLast: last ? all.filter((a) => a.raisedAtMeetingId === last.id).map(toPack) : [],
    completedSince: all.filter((a) => recent(a).some((u) => u.statusTo === 'completed')).map(toPack),
    funding,
    partners: [...agencies.values()].sort((a, b) => a.agency.localeCompare(b.agency)),
    figures: await packFigures(trx, since, now, all),
  };
  return { pack, meeting };
}

const filenameOf = (pack: MeetingPackData, now: Date) => `${pack.kind}-meeting-pack-${londonDate(pack.meeting?.startsAt ?? now)}.docx`;

/**
 * Builds the pack for the next tactical or strategic meeting (or, with none scheduled, for the
 * next one to come): actions by pillar with updates since the last meeting, open actions with
 * no update since then (by owner), actions proposed for discharge (completed or BAU; the
 * tactical lead decides, seed 001 1.8), actions raised at the last meeting, completed since, about
 * funding, held by partner agencies, and figures (hate occurrences flagged since the last meeting
 * by district, crime/NCHI and source; outcomes of those closed; actions by status). The full pack
 * is laid out as seed 001's agenda in a Word document behind a one-hour link (access checked
 * again at download). Records the posting on the meeting and in the audit log.
 * @param input.baseUrl the bot's public base URL, for the document's link
 * @throws ForbiddenError unless a coordinator or manager
 */
export async function meetingPack(
  conn: Kysely<Database>,
  input: { kind: 'tactical' | 'strategic'; actor: ActionActor; conversationId: string | null; baseUrl: string; now: Date },
): Promise<PostedPack> {
  allow(canMeetingPack(input.actor));
  const { kind, now } = input;
  // The Word library is loaded on the first pack, not at start: the running bot rarely needs it (memory, issue 11).
  const { renderPackDocument } = await import('./pack.document.js');
  return conn.transaction().execute(async (trx) => {
    const { pack, meeting } = await collect(trx, kind, now);
    const document = await storeDocument(
      trx,
      {
        kind: 'meeting_pack',
        filename: filenameOf(pack, now),
        content: await renderPackDocument(pack, now),
        actor: input.actor,
        access: { kind: 'meeting_pack' },
      },
      input.baseUrl,
      now,
    );
    if (meeting) await trx.updateTable('meetings').set({ pack_posted_at: now }).where('id', '=', meeting.id).execute();
    await recordAudit(trx, {
      actor: input.actor.label,
      action: 'meeting.pack_posted',
      entityType: 'meeting',
      entityId: meeting?.id ?? kind,
      details: {
        kind,
        conversationId: input.conversationId,
        since: pack.since.toISOString(),
        actions: pack.pillars.reduce((s, p) => s + p.actions.length, 0),
        documentId: document.id,
      },
    });
    return { ...pack, document };
  });
}

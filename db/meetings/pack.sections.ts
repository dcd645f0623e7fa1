/**
 * The sections of the meeting pack document (seed 001 appendices A and B), each filled from the
 * pack's data or saying plainly that there is nothing to report. Pure: data in, docx blocks out.
 */
import { PILLAR_TITLES, type ActionStatus } from '../actions/actions.model.js';
import { bullet, gap, heading, para, plural, table, type FileChild } from '../documents/docx.js';
import { ukDate, ukDateTime } from '../time/london-time.js';
import type { MeetingPackData, PackAction } from './pack.service.js';

const STATUS: Record<ActionStatus, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  bau: 'BAU',
  completed: 'Completed',
  discharged: 'Discharged',
};
const status = (s: ActionStatus) => STATUS[s] ?? s;
const due = (a: PackAction) => (a.dueDate ? `${ukDate(a.dueDate)}${a.overdue ? '\nOVERDUE' : ''}` : '—');
const updates = (a: PackAction) =>
  a.updates.length
    ? a.updates
        .map(
          (u) =>
            `${ukDate(u.date)}, ${u.authorName}: ${u.text ?? `status ${status(u.statusFrom ?? 'not_started')} → ${status(u.statusTo ?? 'not_started')}`}`,
        )
        .join('\n')
    : 'No update since the last meeting';

/** The delivery plan's actions as a table: ref, action, holder, status, due, updates since the last meeting. */
export function actionsTable(actions: readonly PackAction[], withUpdates = true): FileChild[] {
  const rows = actions.map((a) => [a.ref, a.text, a.owner, status(a.status), due(a), ...(withUpdates ? [updates(a)] : [])]);
  const headers = ['Ref', 'Action', 'Holder', 'Status', 'Due', ...(withUpdates ? ['Updates since the last meeting'] : [])];
  return [table(headers, rows, withUpdates ? [7, 29, 13, 12, 12, 27] : [7, 49, 20, 12, 12]), gap()];
}

/** "3 Increasing the reporting of hate crime": the six key actions with their counts. */
export function keyActions(v: MeetingPackData): FileChild[] {
  const rows = v.pillars.map((p, i) => {
    const open = p.actions.filter((a) => ['not_started', 'in_progress', 'bau'].includes(a.status)).length;
    return [
      `${i + 1}`,
      p.title,
      `${p.actions.length}`,
      `${open}`,
      `${p.actions.filter((a) => a.overdue).length}`,
      `${p.actions.filter((a) => a.updates.some((u) => u.text)).length}`,
    ];
  });
  return [
    para('6 key actions:', { keepNext: true }),
    table(['', 'Key action', 'Actions', 'Open', 'Overdue', 'Updated since the last meeting'], rows, [4, 42, 11, 9, 11, 23], [2, 3, 4, 5]),
    gap(),
  ];
}

/** Item "Delivery plan updates": the actions under each pillar, who has not updated, proposals to discharge. */
export function deliveryPlan(v: MeetingPackData): FileChild[] {
  const empty = v.pillars.every((p) => p.actions.length === 0);
  return [
    ...(empty ? [para('Nothing to report: the delivery plan holds no actions yet.')] : []),
    ...(empty
      ? []
      : v.pillars.flatMap((p, i) => [
          heading(`${p.key in PILLAR_TITLES ? `${i + 1} ` : ''}${p.title}`, 2),
          ...(p.actions.length ? actionsTable(p.actions) : [para('No actions under this key action.', { italic: true })]),
        ])),
    heading('Not updated since the last meeting', 2),
    ...(v.notUpdated.length
      ? v.notUpdated.map((o) => bullet(`${o.owner}: ${o.refs.join(', ')}`))
      : [para('Every open action has an update since the last meeting.')]),
    heading('Proposed for discharge (completed or BAU; the tactical lead decides)', 2),
    ...(v.proposedDischarge.length ? actionsTable(v.proposedDischarge, false) : [para('None: no action is completed or BAU.')]),
  ];
}

/** Hate occurrences flagged since the last meeting, by district (crime/NCHI). */
export function districtFigures(v: MeetingPackData): FileChild[] {
  const f = v.figures;
  const head = para(`Hate occurrences flagged since ${v.sinceLabel}: ${plural(f.crime, 'crime')}, ${plural(f.nchi, 'NCHI')}.`, {
    keepNext: true,
  });
  if (f.byDistrict.length === 0) return [head];
  const rows = f.byDistrict.map((d) => [d.district, `${d.crime}`, `${d.nchi}`, `${d.crime + d.nchi}`]);
  rows.push(['All districts', `${f.crime}`, `${f.nchi}`, `${f.crime + f.nchi}`]);
  return [head, table(['District', 'Crimes', 'NCHIs', 'Total'], rows, [46, 18, 18, 18], [1, 2, 3]), gap()];
}

/** Third party reporting: reports by source since the last meeting, against the equal period before. */
export function thirdParty(v: MeetingPackData): FileChild[] {
  const f = v.figures;
  const total = f.bySource.reduce((s, x) => s + x.count, 0);
  const pct = total ? ` (${Math.round((100 * f.thirdPartyAndOnline) / total)}% of ${plural(total, 'report')})` : '';
  const lead = f.thirdPartyAndOnline
    ? para(`Reports through third party reporting centres and online since ${v.sinceLabel}: **${f.thirdPartyAndOnline}**${pct}.`, {
        keepNext: true,
      })
    : para(`Nothing to report: no hate occurrence came through a third party reporting centre or online since ${v.sinceLabel}.`, {
        keepNext: true,
      });
  const rows = f.bySource.map((s) => [s.label, `${s.count}`, `${s.previous}`]);
  return [lead, table(['How the report came in', 'Since the last meeting', 'Equal period before'], rows, [50, 25, 25], [1, 2]), gap()];
}

/** Positive CJ outcomes and victim satisfaction of occurrences closed since the last meeting. */
export function outcomes(v: MeetingPackData): FileChild[] {
  const o = v.figures.outcomes;
  if (o.closed === 0) return [para(`Nothing to report: no hate occurrence was closed or filed since ${v.sinceLabel}.`)];
  const notRecorded = o.closed - o.satisfied - o.dissatisfied;
  return [
    para(
      `Of ${plural(o.closed, 'hate occurrence')} closed or filed since ${v.sinceLabel}, **${o.positive}** had a positive criminal justice outcome (Home Office outcome types 1-4 and 6-8: charge or summons, caution, taken into consideration, penalty notice, cannabis or khat warning, community resolution).`,
      { keepNext: true },
    ),
    table(
      ['Outcome', 'Occurrences', 'Positive CJ outcome'],
      o.byOutcome.map((x) => [x.outcome, `${x.count}`, x.positive ? 'Yes' : 'No']),
      [60, 20, 20],
      [1],
    ),
    gap(),
    para(`Victim satisfaction at closure: ${o.satisfied} satisfied, ${o.dissatisfied} dissatisfied, ${notRecorded} not recorded.`),
  ];
}

/** Good news: actions completed since the last meeting (the bot holds no media items). */
export function goodNews(v: MeetingPackData): FileChild[] {
  if (v.completedSince.length === 0)
    return [
      para(`Nothing to report from the plan: no action was completed since ${v.sinceLabel}. Members bring media items to the meeting.`),
    ];
  return [
    para(`Actions completed since ${v.sinceLabel}:`, { keepNext: true }),
    ...v.completedSince.map((a) => bullet(`${a.ref} ${a.text} (${a.owner})`)),
  ];
}

/** Funding opportunities: the actions whose text, objective or updates mention funding. */
export function funding(v: MeetingPackData): FileChild[] {
  if (v.funding.length === 0) return [para('Nothing to report: no action in the delivery plan mentions funding, grants or bids.')];
  return v.funding.map((f) => bullet(`${f.action.ref} (${f.action.owner}, ${status(f.action.status)}): ${f.mention}`));
}

/** Partnerships: agencies holding actions, their named contacts, open actions and those awaiting an update. */
export function partners(v: MeetingPackData): FileChild[] {
  if (v.partners.length === 0) return [para('Nothing to report: no action is held by a partner agency.')];
  const rows = v.partners.map((p) => [
    p.agency,
    p.contacts.join(', ') || 'none named',
    p.open.join(', ') || 'none',
    p.notUpdated.join(', ') || 'none',
  ]);
  return [
    para(
      "Key contacts: the agencies holding delivery-plan actions and who answers for them (the action's named contact, else the agency's contacts on the roster).",
      {
        keepNext: true,
      },
    ),
    table(['Agency', 'Contacts', 'Open actions', 'Awaiting an update'], rows, [24, 24, 26, 26]),
    gap(),
  ];
}

/** Previous actions: those raised at the last meeting, and how many are brought forward. */
export function lastMeeting(v: MeetingPackData): FileChild[] {
  return [
    heading('Previous actions', 2),
    ...(v.raisedAtLast.length ? actionsTable(v.raisedAtLast, false) : [para('No actions were recorded as raised at the last meeting.')]),
    heading('Actions brought forward', 2),
    para(
      `${plural(v.broughtForward, 'open action')} (not started, in progress or BAU), listed under their key actions in "Delivery plan updates".`,
    ),
  ];
}

/** "Tue 8 Dec 2026, 10:00 GMT", or a blank for the meeting to agree one. */
export const nextDate = (v: MeetingPackData): string => (v.following ? ukDateTime(v.following) : 'to be agreed at this meeting');

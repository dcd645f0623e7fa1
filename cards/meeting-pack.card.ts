import { updateLine, type UpdateLike } from './action.card.js';
import { STATUS_LABELS } from './actions.verbs.js';
import { clip, TEAMS_CARD_LIMIT, ukDate, ukDateTime } from './format.js';
import { adaptiveCard, type AdaptiveCard } from './card.js';

interface PackActionLike {
  ref: string;
  text: string;
  status: string;
  owner: string;
  dueDate: string | null;
  overdue: boolean;
  updates: readonly UpdateLike[];
}

/** The filled-in agenda (structurally the pack service's MeetingPackData). */
export interface MeetingPackView {
  kind: 'tactical' | 'strategic';
  title: string;
  meeting: { startsAt: Date } | null;
  following: Date | null;
  broughtForward: number;
  since: Date;
  sinceLabel: string;
  pillars: readonly { key: string; title: string; actions: readonly PackActionLike[] }[];
  notUpdated: readonly { owner: string; refs: readonly string[] }[];
  proposedDischarge: readonly PackActionLike[];
  raisedAtLast: readonly PackActionLike[];
  figures: {
    crime: number;
    nchi: number;
    byDistrict: readonly { district: string; crime: number; nchi: number }[];
    actionsByStatus: readonly { status: string; count: number }[];
    overdueActions: number;
  };
}

const tb = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text, wrap: true, ...extra });
const item = (n: number, title: string, lines: readonly Record<string, unknown>[] = []) => ({
  type: 'Container',
  separator: true,
  spacing: 'Medium',
  items: [tb(`${n}. ${title}`, { weight: 'Bolder' }), ...lines],
});
const bullet = (text: string) => tb(`• ${text}`, { spacing: 'None' });
const subtle = (text: string) => tb(text, { isSubtle: true, spacing: 'None' });

function actionLines(a: PackActionLike, max: number): Record<string, unknown>[] {
  const due = a.dueDate ? ` · due ${ukDate(a.dueDate)}${a.overdue ? ' (OVERDUE)' : ''}` : '';
  const head = tb(`**${a.ref}** ${clip(a.text, max ? 160 : 80)} — ${a.owner} · ${STATUS_LABELS[a.status] ?? a.status}${due}`, {
    spacing: 'Small',
    color: a.overdue ? 'Attention' : 'Default',
  });
  if (!max) return [head];
  const ups = a.updates.length
    ? a.updates.slice(0, 2).map((u) => subtle(`↳ ${updateLine(u, max)}`))
    : [subtle('↳ no update since the last meeting')];
  return [head, ...ups];
}

function pillarSection(v: MeetingPackView, max: number): Record<string, unknown>[] {
  const empty = v.pillars.every((p) => p.actions.length === 0);
  return [
    ...(empty ? [subtle('No actions in the delivery plan yet (`npm run import -- actions <file.csv>` or `assign`).')] : []),
    ...v.pillars.flatMap((p, i) => [
      tb(`${i + 1} ${p.title}`, { weight: 'Bolder', spacing: 'Small' }),
      ...(p.actions.length ? p.actions.flatMap((a) => actionLines(a, max)) : empty ? [] : [subtle('No actions under this strand.')]),
    ]),
  ];
}

function deliverySection(v: MeetingPackView): Record<string, unknown>[] {
  return [
    tb('Not updated since the last meeting', { weight: 'Bolder', spacing: 'Small' }),
    ...(v.notUpdated.length
      ? v.notUpdated.map((o) => bullet(`${o.owner}: ${o.refs.join(', ')}`))
      : [subtle('Every open action has an update.')]),
    tb('Proposed for discharge (completed or BAU; the tactical lead decides)', { weight: 'Bolder', spacing: 'Small' }),
    ...(v.proposedDischarge.length
      ? v.proposedDischarge.map((a) => bullet(`${a.ref} ${clip(a.text, 100)} — ${STATUS_LABELS[a.status] ?? a.status}`))
      : [subtle('None.')]),
  ];
}

function figuresSection(v: MeetingPackView): Record<string, unknown>[] {
  const f = v.figures;
  return [
    tb(
      `Hate occurrences flagged since ${v.sinceLabel}: ${f.crime} crime${f.crime === 1 ? '' : 's'}, ${f.nchi} NCHI${f.nchi === 1 ? '' : 's'}.`,
      { spacing: 'Small' },
    ),
    ...f.byDistrict.map((d) => bullet(`${d.district}: ${d.crime} crime, ${d.nchi} NCHI`)),
    subtle(
      `Delivery plan: ${f.actionsByStatus.map((s) => `${s.count} ${(STATUS_LABELS[s.status] ?? s.status).toLowerCase()}`).join(', ') || 'no actions'}; ${f.overdueActions} overdue.`,
    ),
  ];
}

/** The series' next date, or a blank for the meeting to agree one. */
const nextDate = (v: MeetingPackView): string => (v.following ? ukDateTime(v.following) : 'to be agreed');

function tactical(v: MeetingPackView, max: number): Record<string, unknown>[] {
  return [
    item(1, 'Introductions and apologies', [
      bullet('Apologies from:'),
      bullet('Aim & purpose: 6 strategic aims, delivery action plan, monitor performance & add key themes'),
    ]),
    item(2, 'Summary of last meeting', [
      tb('Previous actions (raised at the last meeting)', { weight: 'Bolder', spacing: 'Small' }),
      ...(v.raisedAtLast.length
        ? v.raisedAtLast.map((a) => bullet(`${a.ref} ${clip(a.text, 100)} — ${a.owner} · ${STATUS_LABELS[a.status] ?? a.status}`))
        : [subtle('None recorded.')]),
      subtle(`Actions brought forward: ${v.broughtForward} open.`),
    ]),
    item(3, 'Promoting the key strands of the National Hate Crime Plan: 6 key actions', pillarSection(v, max)),
    item(4, 'District updates: investigation quality, crime scrutiny', figuresSection(v)),
    item(5, 'Delivery plan updates', deliverySection(v)),
    item(6, 'Raising the profile of public confidence and satisfaction: good news stories and media & positive CJ outcomes'),
    item(7, 'Third party reporting'),
    item(8, 'Funding opportunities'),
    item(9, 'Partnerships: engagement, key contacts/KINS'),
    item(10, 'AOB'),
    item(11, `Date of next meeting: ${nextDate(v)}`),
  ];
}

function strategic(v: MeetingPackView, max: number): Record<string, unknown>[] {
  return [
    item(1, 'Introductions and apologies', [
      bullet('Confirm terms of reference'),
      bullet('Update from tactical meeting'),
      bullet('Partner updates'),
    ]),
    item(2, 'Performance update: crime/incident review (trends, locations, nominals)', figuresSection(v)),
    item(3, 'Delivery plan: activity against the force/national strategy, 6 key actions', [
      ...pillarSection(v, max),
      ...deliverySection(v),
    ]),
    item(4, 'Communications: good news stories and media; exceptional reporting, e.g. worldwide events'),
    item(5, 'Any other business'),
    item(6, `Date of next meeting: ${nextDate(v)}`),
  ];
}

function build(v: MeetingPackView, max: number): AdaptiveCard {
  const when = v.meeting ? ukDateTime(v.meeting.startsAt) : 'not scheduled yet (`meeting schedule tactical DATE TIME`)';
  return adaptiveCard({
    body: [
      {
        type: 'Container',
        style: 'emphasis',
        bleed: true,
        items: [
          tb(v.title, { weight: 'Bolder', size: 'Medium' }),
          tb(`Date and time: ${when}`, { spacing: 'None' }),
          subtle(`Meeting pack: changes since ${v.sinceLabel}.`),
        ],
      },
      ...(v.kind === 'tactical' ? tactical(v, max) : strategic(v, max)),
    ],
  });
}

/**
 * Renders the meeting pack: the agenda of seed 001 (appendix B tactical, appendix A strategic)
 * filled in with the plan. Update texts are shortened until the card fits Teams' ~28 KB limit. Pure.
 */
export function renderMeetingPackCard(v: MeetingPackView): AdaptiveCard {
  for (const max of [400, 200, 100]) {
    const card = build(v, max);
    if (JSON.stringify(card).length <= TEAMS_CARD_LIMIT) return card;
  }
  return build(v, 0);
}

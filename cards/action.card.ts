import { ACTION_VERBS, CARD_STATUSES, isOverdueOn, PILLAR_LABELS, STATUS_LABELS } from './actions.verbs.js';
import { clip, londonDate, ukDate, ukDateTime, ukShortDate } from './format.js';
import { cardTemplate, subCard, type AdaptiveCard } from './card.js';
import { TEXT_LIMITS } from '../db/text-limits.js';

/** The action fields a card shows (structurally the delivery-plan service's Action). */
export interface ActionLike {
  id: string;
  ref: string;
  objective: string | null;
  text: string;
  pillar: string;
  status: string;
  dueDate: string | null;
  ownerKind: 'person' | 'agency';
  ownerAgency: string | null;
  ownerUpn: string | null;
  holderName: string | null;
}
/** A dated update or status change (structurally the service's ActionUpdate). */
export interface UpdateLike {
  date: string;
  text: string | null;
  statusFrom?: string | null;
  statusTo: string | null;
  authorName: string;
  /** Imported without a date. */
  undated?: boolean;
  /** A re-import revised its text. */
  revisedAt?: Date | null;
}

/** "12 Jan 2027", or "undated (imported)" for an imported update that gave no date. */
export const updateDate = (u: Pick<UpdateLike, 'date' | 'undated'>): string =>
  u.undated || !u.date ? 'undated (imported)' : ukShortDate(u.date);

/** Why the card is shown: on assignment, as a meeting update request or nudge, as an overdue chase, or on request. */
export type ActionCardMode = 'assigned' | 'update_request' | 'nudge' | 'overdue' | 'view';

export interface ActionCardView {
  detail: { action: ActionLike; updates: readonly UpdateLike[] };
  mode: ActionCardMode;
  now: Date;
  meeting?: { kind: string; startsAt: Date } | null;
  /** The holder is not reachable in Teams: this copy went to the coordinator. */
  unreachable?: boolean;
  /** Update and Status answered on the card (false for readers who may not change it). */
  editable: boolean;
  banner?: { kind: 'error' | 'warning' | 'success'; text: string };
}

/** "Tue 12 Jan 2027" from 'YYYY-MM-DD'. */

/** "Megan Bowen", "OCC (contact: Megan Bowen)", or the UPN of a person not known yet. */
export function ownerText(a: Pick<ActionLike, 'ownerKind' | 'ownerAgency' | 'holderName' | 'ownerUpn'>): string {
  const person = a.holderName ?? a.ownerUpn;
  if (a.ownerKind === 'agency') return person ? `${a.ownerAgency} (contact: ${person})` : (a.ownerAgency ?? 'agency not recorded');
  return person ?? 'not recorded';
}

/** One line of history: "12 Jan 2027 · Megan Bowen: text" or "… status → Completed". */
export function updateLine(u: UpdateLike, max = 400): string {
  const what = u.text ? clip(u.text, max) : `status → ${STATUS_LABELS[u.statusTo ?? ''] ?? u.statusTo}`;
  return `${updateDate(u)} · ${u.authorName}: ${what}`;
}

const execute = (title: string, verb: string) => ({
  type: 'Action.Execute',
  title,
  verb,
  data: { actionId: '${id}' },
  fallback: { type: 'Action.Submit', title, data: { verb, actionId: '${id}' } },
});

const compiled = cardTemplate({
  body: [
    {
      type: 'Container',
      style: '${style}',
      bleed: true,
      items: [
        { type: 'TextBlock', text: '${heading}', weight: 'Bolder', size: 'Medium', wrap: true },
        { type: 'TextBlock', $when: '${hasIntro}', text: '${intro}', wrap: true, spacing: 'None' },
      ],
    },
    { type: 'TextBlock', $when: '${unreachable}', text: '${unreachableText}', wrap: true, color: 'Warning' },
    { type: 'TextBlock', $when: '${hasBanner}', text: '${bannerText}', wrap: true, color: '${bannerColor}', weight: 'Bolder' },
    { type: 'TextBlock', text: '${text}', wrap: true },
    { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
    { type: 'TextBlock', text: 'Latest updates', weight: 'Bolder', spacing: 'Medium', $when: '${hasUpdates}' },
    { type: 'TextBlock', $data: '${updates}', text: '• ${$data}', wrap: true, spacing: 'Small' },
    { type: 'TextBlock', $when: '${!hasUpdates}', text: 'No updates yet.', isSubtle: true },
  ],
  actions: [
    {
      $when: '${editable}',
      type: 'Action.ShowCard',
      title: 'Update',
      card: subCard({
        body: [
          {
            type: 'Input.Text',
            id: 'updateText',
            label: 'Your update for ${ref}',
            placeholder: 'What has been done, what is next, any blockers',
            isMultiline: true,
            isRequired: true,
            errorMessage: 'Write the update',
            maxLength: TEXT_LIMITS.actionUpdate,
          },
        ],
        actions: [execute('Save update', ACTION_VERBS.update)],
      }),
    },
    {
      $when: '${editable}',
      type: 'Action.ShowCard',
      title: 'Status',
      card: subCard({
        body: [
          {
            type: 'Input.ChoiceSet',
            id: 'newStatus',
            label: 'Status of ${ref}',
            style: 'expanded',
            value: '${status}',
            isRequired: true,
            choices: [{ $data: '${statusChoices}', title: '${title}', value: '${value}' }],
          },
        ],
        actions: [execute('Save status', ACTION_VERBS.status)],
      }),
    },
    {
      type: 'Action.Execute',
      title: 'History${historyCount}',
      verb: ACTION_VERBS.history,
      data: { actionId: '${id}', page: 0 },
      fallback: { type: 'Action.Submit', title: 'History', data: { verb: ACTION_VERBS.history, actionId: '${id}', page: 0 } },
    },
  ],
});

function heading(v: ActionCardView): { heading: string; intro: string | null; style: string } {
  const a = v.detail.action;
  const meeting = v.meeting ? `the ${v.meeting.kind} meeting on ${ukDateTime(v.meeting.startsAt)}` : 'the next meeting';
  switch (v.mode) {
    case 'assigned':
      return {
        heading: `New action for you · ${a.ref}`,
        intro: 'The Hate Crime Coordinator has assigned you this delivery-plan action. Give updates and the status here.',
        style: 'accent',
      };
    case 'update_request':
      return {
        heading: `Update needed · ${a.ref}`,
        intro: `Please give your update before ${meeting}, so the coordinator can collate the pack.`,
        style: 'warning',
      };
    case 'nudge':
      return {
        heading: `Reminder: update still needed · ${a.ref}`,
        intro: `No update has been given yet for ${meeting}.`,
        style: 'warning',
      };
    case 'overdue':
      return {
        heading: `Overdue action · ${a.ref}`,
        intro: `This action was due on ${a.dueDate ? ukDate(a.dueDate) : '(no date)'}. Give an update or change its status.`,
        style: 'attention',
      };
    default:
      return { heading: `Action ${a.ref}`, intro: null, style: 'default' };
  }
}

/** Renders an action for its holder (or the coordinator), with Update and Status answered on the card (Action.Execute). Pure. */
export function renderActionCard(v: ActionCardView): AdaptiveCard {
  const a = v.detail.action;
  const h = heading(v);
  const today = londonDate(v.now);
  const overdue = isOverdueOn(a, today);
  const closed = a.status === 'discharged';
  const data = {
    id: a.id,
    ref: a.ref,
    status: a.status,
    ...h,
    hasIntro: Boolean(h.intro),
    intro: h.intro ?? '',
    unreachable: Boolean(v.unreachable),
    unreachableText: `${ownerText(a)} cannot be reached in Teams yet, so this came to you: please obtain the update and record it here.`,
    hasBanner: Boolean(v.banner),
    bannerText: v.banner?.text ?? '',
    bannerColor: v.banner?.kind === 'error' ? 'Attention' : v.banner?.kind === 'warning' ? 'Warning' : 'Good',
    text: clip(a.text, 2000),
    facts: [
      ...(a.objective ? [{ title: 'Objective', value: clip(a.objective, 300) }] : []),
      { title: 'Pillar', value: PILLAR_LABELS[a.pillar] ?? a.pillar },
      { title: 'Holder', value: ownerText(a) },
      { title: 'Status', value: STATUS_LABELS[a.status] ?? a.status },
      { title: 'Due', value: a.dueDate ? `${ukDate(a.dueDate)}${overdue ? ' (overdue)' : ''}` : 'no date set' },
    ],
    hasUpdates: v.detail.updates.length > 0,
    historyCount: v.detail.updates.length > 3 ? ` (all ${v.detail.updates.length})` : '',
    updates: v.detail.updates.slice(0, 3).map((u) => updateLine(u)),
    editable: v.editable && !closed,
    statusChoices: CARD_STATUSES.map((s) => ({ title: STATUS_LABELS[s]!, value: s })),
  };
  return compiled(data);
}

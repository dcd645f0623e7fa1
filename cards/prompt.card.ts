import { humanise, ukDateTime } from './format.js';
import { cardTemplate, subCard, type AdaptiveCard } from './card.js';
import { SNOOZE_CHOICES, SNOOZE_LABELS, VERBS } from './verbs.js';
import { TEXT_LIMITS } from '../db/text-limits.js';

/** A review prompt as its owner (or whoever it was escalated to) sees it. */
export interface PromptCardView {
  scheduledReviewId: string;
  title: string;
  reference: string;
  district: string;
  recordedAs: 'crime' | 'nchi';
  strands: readonly string[];
  /** Shown in personal chats only; never in channels. */
  summary: string | null;
  dueAt: Date;
  now: Date;
  step: 'prompt' | 'chase' | 'escalate_supervisor' | 'escalate_channel' | 'snoozed' | null;
  owner: string;
  unreachable: boolean;
  /** What Done asks for this kind of review (db/schedule/outcomes.policy.ts), null: a plain Done. */
  outcomes: PromptOutcomes | null;
  status: 'pending' | 'done' | 'not_applicable' | 'cancelled';
  /** The answered outcome as words ("Referral made: Victim Support"), null when none. */
  outcome: string | null;
  note: string | null;
  completedByName: string | null;
  completedAt: Date | null;
  snoozedUntil: Date | null;
  banner?: { kind: 'error' | 'warning' | 'success'; text: string };
  /** The occurrence in the records system (RMS_URL_TEMPLATE filled in); absent or null: no link. */
  recordsUrl?: string | null;
}

/** What Done asks on a prompt: the outcome to choose and whether a service is named (a referral made). */
export interface PromptOutcomes {
  label: string;
  choices: { title: string; value: string }[];
  asksService: boolean;
  /** Set when some outcome needs a reason in the note, e.g. "say why if not needed" (shown in the note's label). */
  reasonHint: string | null;
}

/** What each step of a prompt is called on its card (and on each row of a card listing several). */
export const PROMPT_HEADINGS = {
  prompt: 'Review due',
  chase: 'Review deadline reached',
  escalate_supervisor: 'Escalated: review overdue',
  escalate_channel: 'Escalated to the review channel: review overdue',
  snoozed: 'Snoozed review is back',
} as const;

const execute = (title: string, verb: string) => ({
  type: 'Action.Execute',
  title,
  verb,
  data: { scheduledReviewId: '${id}' },
  fallback: { type: 'Action.Submit', title, data: { verb, scheduledReviewId: '${id}' } },
});

/** The Done inputs of a prompt: its outcome choices, the service (a referral made) and the note. */
function doneInputs(suffix: string, outcomes: PromptOutcomes | null | 'template'): unknown[] {
  const t = outcomes === 'template';
  const o = t ? null : outcomes;
  if (!t && !o) return [noteInput(suffix, 'Note (optional)')];
  const choiceSet = {
    type: 'Input.ChoiceSet',
    id: `outcome${suffix}`,
    label: t ? '${outcomeLabel}' : o!.label,
    style: 'expanded',
    isRequired: true,
    errorMessage: 'Choose an outcome',
    choices: t ? [{ $data: '${outcomeChoices}', title: '${title}', value: '${value}' }] : o!.choices,
  };
  const service = {
    type: 'Input.Text',
    id: `service${suffix}`,
    label: 'Support service referred to (when the referral was made)',
    maxLength: TEXT_LIMITS.serviceName,
  };
  return [
    t ? { $when: '${hasOutcomes}', ...choiceSet } : choiceSet,
    ...(t ? [{ $when: '${asksService}', ...service }] : o!.asksService ? [service] : []),
    noteInput(suffix, t ? '${noteLabel}' : noteLabel(o)),
  ];
}

const noteInput = (suffix: string, label: string) => ({
  type: 'Input.Text',
  id: `note${suffix}`,
  label,
  isMultiline: true,
  maxLength: TEXT_LIMITS.reviewNote,
});

/** The note's label: optional, or saying when a reason is needed. */
export const noteLabel = (o: PromptOutcomes | null): string => (o?.reasonHint ? `Note (${o.reasonHint})` : 'Note (optional)');

/**
 * The Done / Not applicable / Snooze buttons of a review prompt, each opening its inputs (ids
 * `outcome`, `service`, `note`, `reason`, `snooze`, each followed by `suffix` so several prompts can
 * share one card). `outcomes`: what Done asks (`'template'`: bound from the single prompt card's
 * data). Pure.
 */
export function promptAnswerButtons(o: {
  suffix: string;
  outcomes: PromptOutcomes | null | 'template';
  execute: (title: string, verb: string) => unknown;
}): Record<string, unknown>[] {
  return [
    {
      type: 'Action.ShowCard',
      title: 'Done',
      card: subCard({
        body: doneInputs(o.suffix, o.outcomes),
        actions: [o.execute('Record as done', VERBS.promptDone)],
      }),
    },
    {
      type: 'Action.ShowCard',
      title: 'Not applicable',
      card: subCard({
        body: [
          {
            type: 'Input.Text',
            id: `reason${o.suffix}`,
            label: 'Why it does not apply',
            isRequired: true,
            errorMessage: 'Give a reason',
            maxLength: TEXT_LIMITS.notApplicableReason,
          },
        ],
        actions: [o.execute('Record as not applicable', VERBS.promptNotApplicable)],
      }),
    },
    {
      type: 'Action.ShowCard',
      title: 'Snooze',
      card: subCard({
        body: [
          {
            type: 'Input.ChoiceSet',
            id: `snooze${o.suffix}`,
            label: 'Remind me again',
            style: 'expanded',
            value: '1h',
            choices: SNOOZE_CHOICES.map((value) => ({ title: SNOOZE_LABELS[value], value })),
          },
        ],
        actions: [o.execute('Snooze', VERBS.promptSnooze)],
      }),
    },
  ];
}

const compiled = cardTemplate({
  body: [
    {
      type: 'Container',
      style: '${headStyle}',
      bleed: true,
      items: [
        { type: 'TextBlock', text: '${heading}', weight: 'Bolder', size: 'Medium', wrap: true },
        { type: 'TextBlock', text: '${title}', wrap: true, spacing: 'None' },
      ],
    },
    { type: 'TextBlock', $when: '${unreachable}', text: '${unreachableText}', wrap: true, color: 'Warning' },
    { type: 'TextBlock', $when: '${hasBanner}', text: '${bannerText}', wrap: true, color: '${bannerColor}', weight: 'Bolder' },
    { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
    { type: 'TextBlock', $when: '${hasSummary}', text: '${summary}', wrap: true, isSubtle: true },
    { type: 'TextBlock', $when: '${answered}', text: '${answerText}', wrap: true, weight: 'Bolder', color: 'Good' },
  ],
  actions: [
    ...promptAnswerButtons({ suffix: '', outcomes: 'template', execute }).map((b) => ({ $when: '${pending}', ...b })),
    { $when: '${hasRecordsUrl}', type: 'Action.OpenUrl', title: 'Open in records system', url: '${recordsUrl}' },
  ],
});

/** "due in 3 h", "overdue by 2 days": a deadline against now. */
export function relative(due: Date, now: Date): string {
  const mins = Math.round((due.getTime() - now.getTime()) / 60000);
  const abs = Math.abs(mins);
  const text = abs < 60 ? `${abs} min` : abs < 48 * 60 ? `${Math.round(abs / 60)} h` : `${Math.round(abs / 1440)} days`;
  return mins >= 0 ? `due in ${text}` : `overdue by ${text}`;
}

/** How a review was answered (who, what, when), for a card; '' while it is pending. */
export function promptAnswerText(v: Pick<PromptCardView, 'status' | 'outcome' | 'note' | 'completedByName' | 'completedAt'>): string {
  return v.status === 'done'
    ? `Done${v.outcome ? ` (${v.outcome})` : ''} by ${v.completedByName ?? 'unknown'}, ${v.completedAt ? ukDateTime(v.completedAt) : ''}${v.note ? ` — ${v.note}` : ''}`
    : v.status === 'not_applicable'
      ? `Not applicable${v.note ? ` (${v.note})` : ''} — ${v.completedByName ?? 'unknown'}, ${v.completedAt ? ukDateTime(v.completedAt) : ''}`
      : v.status === 'cancelled'
        ? 'No longer needed: the occurrence changed.'
        : '';
}

/** Renders a review prompt with Done / Not applicable / Snooze answered on the card (Action.Execute). Pure. */
export function renderPromptCard(v: PromptCardView): AdaptiveCard {
  const pending = v.status === 'pending';
  const answerText = promptAnswerText(v);
  const data = {
    id: v.scheduledReviewId,
    heading: `${pending ? PROMPT_HEADINGS[v.step ?? 'prompt'] : 'Review answered'} · ${v.reference}`,
    headStyle: pending && v.dueAt < v.now ? 'attention' : pending ? 'warning' : 'good',
    title: v.title,
    unreachable: v.unreachable && pending,
    // An escalation goes to someone other than the owner, so say who could not be reached.
    unreachableText:
      v.step === 'escalate_supervisor'
        ? "Nobody to escalate to could be reached in Teams (the owner's supervisor, or the district's coordinators for a supervisor's or coordinator's own review), so this came to the review channel."
        : 'The owner could not be reached in Teams, so this prompt came to the review channel.',
    hasBanner: Boolean(v.banner),
    bannerText: v.banner?.text ?? '',
    bannerColor: v.banner?.kind === 'error' ? 'Attention' : v.banner?.kind === 'warning' ? 'Warning' : 'Good',
    facts: [
      { title: 'Deadline', value: `${ukDateTime(v.dueAt)}${pending ? ` (${relative(v.dueAt, v.now)})` : ''}` },
      { title: 'Owner', value: v.owner },
      {
        title: 'Occurrence',
        value: `${v.reference} · ${v.recordedAs === 'nchi' ? 'NCHI' : 'Crime'} · ${v.strands.map(humanise).join(', ')} · ${v.district}`,
      },
      ...(pending && v.snoozedUntil ? [{ title: 'Snoozed until', value: ukDateTime(v.snoozedUntil) }] : []),
    ],
    hasSummary: Boolean(v.summary),
    summary: v.summary ?? '',
    answered: !pending,
    answerText,
    pending,
    hasOutcomes: Boolean(v.outcomes),
    outcomeLabel: v.outcomes?.label ?? '',
    outcomeChoices: v.outcomes?.choices ?? [],
    asksService: Boolean(v.outcomes?.asksService),
    noteLabel: noteLabel(v.outcomes),
    hasRecordsUrl: Boolean(v.recordsUrl),
    recordsUrl: v.recordsUrl ?? '',
  };
  return compiled(data);
}

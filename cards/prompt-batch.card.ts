import { bannerBlock, executeButton } from './actions.verbs.js';
import { adaptiveCard, type AdaptiveCard } from './card.js';
import { humanise, plural, ukDateTime } from './format.js';
import { PROMPT_HEADINGS, promptAnswerButtons, promptAnswerText, relative, type PromptCardView } from './prompt.card.js';
import { VERBS } from './verbs.js';

/** Rows per page of a card listing several prompts: about two screens (issue 13 item 5). */
export const PROMPT_BATCH_PAGE_SIZE = 6;

type Step = NonNullable<PromptCardView['step']>;

/**
 * One row: a prompt as its single card would show it (the step it was sent at, whether its owner
 * could not be reached; the row shows no feed summary), or a row the viewer may not see (the
 * access rule said no): no data.
 */
export type PromptBatchRow = { hidden: true; scheduledReviewId: string } | (PromptCardView & { hidden: false; step: Step });

/** A card listing several review prompts due together for one conversation (issue 13 item 2; issue 12 item 7). */
export interface PromptBatchView {
  /** The outbox key of the message that carried the list: every answer and page turn names it. */
  batchKey: string;
  rows: readonly PromptBatchRow[];
  page: number;
  now: Date;
  banner?: { kind: 'error' | 'warning' | 'success'; text: string };
}

/** "3 reviews due", "Escalated: 2 reviews overdue": the header says how many and what kind. */
const TITLES: Record<Step, (n: number) => string> = {
  prompt: (n) => `${plural(n, 'review')} due`,
  chase: (n) => `${plural(n, 'review')} past the deadline`,
  escalate_supervisor: (n) => `Escalated: ${plural(n, 'review')} overdue`,
  escalate_channel: (n) => `Escalated to the review channel: ${plural(n, 'review')} overdue`,
  snoozed: (n) => `${plural(n, 'snoozed review')} back`,
};
const KIND_WORDS: Record<Step, string> = {
  prompt: 'due',
  chase: 'past the deadline',
  escalate_supervisor: 'escalated',
  escalate_channel: 'escalated to the channel',
  snoozed: 'back from snooze',
};

function header(v: PromptBatchView): { title: string; lines: string[]; style: string } {
  const visible = v.rows.filter((r) => !r.hidden);
  const steps = [...new Set(visible.map((r) => r.step))];
  const n = v.rows.length;
  const title = steps.length === 1 ? TITLES[steps[0]!](n) : `${plural(n, 'review')} need attention`;
  const mix = steps.length > 1 ? [steps.map((s) => `${visible.filter((r) => r.step === s).length} ${KIND_WORDS[s]}`).join(', ')] : [];
  const pending = visible.filter((r) => r.status === 'pending');
  const unreachable = pending.filter((r) => r.unreachable).length;
  const lines = [
    ...mix,
    ...(unreachable
      ? [
          `${unreachable === n ? 'For each of them' : `For ${unreachable} of them`} the owner (or whoever it escalates to) could not be reached in Teams, so ${unreachable === 1 ? 'it' : 'they'} came to the review channel.`,
        ]
      : []),
    pending.length ? 'Answer each one below: Done, Not applicable or Snooze.' : 'Every review listed here has been answered.',
  ];
  const overdue = pending.some((r) => r.dueAt < v.now);
  return { title, lines, style: pending.length === 0 ? 'good' : overdue ? 'attention' : 'warning' };
}

function row(v: PromptBatchView, r: PromptBatchRow, index: number): unknown[] {
  if (r.hidden)
    return [
      {
        type: 'TextBlock',
        separator: true,
        wrap: true,
        isSubtle: true,
        text: 'A review you may not see: it is not addressed to you.',
      },
    ];
  const pending = r.status === 'pending';
  const data = { scheduledReviewId: r.scheduledReviewId, batchKey: v.batchKey, page: v.page, row: index };
  const escalated = r.step === 'escalate_supervisor' || r.step === 'escalate_channel';
  const deadline = `Deadline ${ukDateTime(r.dueAt)}${pending ? ` (${relative(r.dueAt, v.now)})` : ''}${escalated ? ` · owner ${r.owner}` : ''}`;
  const status = pending
    ? [
        ...(r.snoozedUntil
          ? [{ type: 'TextBlock', wrap: true, spacing: 'None', text: `Snoozed until ${ukDateTime(r.snoozedUntil)}` }]
          : []),
        ...(r.unreachable
          ? [{ type: 'TextBlock', wrap: true, spacing: 'None', color: 'Warning', text: 'The owner could not be reached in Teams.' }]
          : []),
      ]
    : [{ type: 'TextBlock', wrap: true, spacing: 'None', weight: 'Bolder', color: 'Good', text: `✓ ${promptAnswerText(r)}` }];
  const buttons = [
    ...(pending
      ? promptAnswerButtons({
          suffix: `_${index}`,
          outcomes: r.outcomes,
          execute: (title, verb) => executeButton(title, verb, data),
        })
      : []),
    ...(r.recordsUrl ? [{ type: 'Action.OpenUrl', title: 'Open in records system', url: r.recordsUrl }] : []),
  ];
  return [
    {
      type: 'Container',
      separator: true,
      spacing: 'Medium',
      items: [
        {
          type: 'TextBlock',
          wrap: true,
          weight: 'Bolder',
          text: `${r.reference} · ${r.recordedAs === 'nchi' ? 'NCHI' : 'Crime'} · ${r.strands.map(humanise).join(', ')} · ${r.district}`,
        },
        { type: 'TextBlock', wrap: true, spacing: 'None', text: `${pending ? PROMPT_HEADINGS[r.step] : 'Answered'}: ${r.title}` },
        { type: 'TextBlock', wrap: true, spacing: 'None', isSubtle: true, text: deadline },
        ...status,
      ],
    },
    ...(buttons.length ? [{ type: 'ActionSet', spacing: 'Small', actions: buttons }] : []),
  ];
}

const pageButton = (title: string, batchKey: string, page: number) => executeButton(title, VERBS.promptBatchPage, { batchKey, page });

/**
 * A card listing several review prompts: a short header (how many, what kind), then one compact
 * row per review (reference, recorded as, strands, district, step, deadline; never a victim's,
 * complainant's, suspect's or subject's name, address or date of birth), each answerable on the
 * card with the single prompt's Done / Not applicable / Snooze (the same verbs, the row's inputs
 * suffixed `_<row>`), PROMPT_BATCH_PAGE_SIZE rows a page. An answered row shows who answered and
 * how; a row the viewer may not see shows nothing of it. Pure.
 */
export function renderPromptBatchCard(v: PromptBatchView): AdaptiveCard {
  const pages = Math.max(1, Math.ceil(v.rows.length / PROMPT_BATCH_PAGE_SIZE));
  const page = Math.min(Math.max(0, v.page), pages - 1);
  const view = { ...v, page };
  const h = header(view);
  const first = page * PROMPT_BATCH_PAGE_SIZE;
  const shown = v.rows.slice(first, first + PROMPT_BATCH_PAGE_SIZE);
  return adaptiveCard({
    body: [
      {
        type: 'Container',
        style: h.style,
        bleed: true,
        items: [
          { type: 'TextBlock', text: h.title, weight: 'Bolder', size: 'Medium', wrap: true },
          ...h.lines.map((text) => ({ type: 'TextBlock', text, wrap: true, spacing: 'None' })),
        ],
      },
      ...bannerBlock(v.banner),
      ...(pages > 1 ? [{ type: 'TextBlock', isSubtle: true, text: `Page ${page + 1} of ${pages}` }] : []),
      ...shown.flatMap((r, i) => row(view, r, first + i)),
    ],
    actions: [
      ...(page > 0 ? [pageButton('Previous', v.batchKey, page - 1)] : []),
      ...(page + 1 < pages ? [pageButton('Show more', v.batchKey, page + 1)] : []),
    ],
  });
}

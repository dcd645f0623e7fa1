import { ownerText, updateLine, type ActionLike, type UpdateLike } from './action.card.js';
import { ACTION_VERBS, bannerBlock, executeButton, isOverdueOn, STATUS_LABELS, type BatchSpec } from './actions.verbs.js';
import { adaptiveCard, subCard, type AdaptiveCard } from './card.js';
import { clip, londonDate, plural, ukDate, ukDateTime } from './format.js';
import { TEXT_LIMITS } from '../db/text-limits.js';

/** Actions per page of a reminder card: about two screens (issue 13 item 5). */
export const BATCH_PAGE_SIZE = 6;

/** One reminder card listing several actions (issue 13 item 2), each answerable on the card. */
export interface ActionBatchView {
  spec: BatchSpec;
  meeting: { kind: string; startsAt: Date } | null;
  items: readonly { action: ActionLike; updates: readonly UpdateLike[] }[];
  /** Actions with an update since the prompts opened (marked as done). */
  updatedSince: readonly string[];
  /** The coordinator's copy: who was asked for which refs. */
  sent: readonly { name: string; refs: readonly string[] }[] | null;
  page: number;
  now: Date;
  banner?: { kind: 'error' | 'success'; text: string };
}

function heading(v: ActionBatchView, n: number): { title: string; intro: string; style: string } {
  const meeting = v.meeting ? `the ${v.meeting.kind} meeting on ${ukDateTime(v.meeting.startsAt)}` : 'the next meeting';
  if (v.spec.coordinator) {
    const what = v.spec.kind === 'overdue' ? 'Overdue chases' : v.spec.kind === 'nudge' ? 'Update reminders' : 'Update requests';
    return {
      title: `${what} sent${v.spec.kind === 'overdue' ? ' this week' : ` for ${meeting}`}`,
      intro:
        n === 0
          ? 'Every action went to someone who can answer it in Teams.'
          : `${plural(n, 'action')} could not be delivered: nobody can be asked for ${n === 1 ? 'it' : 'them'} in Teams. Please obtain the update and record it here.`,
      style: 'emphasis',
    };
  }
  if (v.spec.kind === 'overdue')
    return {
      title: `Overdue: ${plural(n, 'action')} past the due date`,
      intro: 'Give an update on each, or change its status with `action REF status …`.',
      style: 'attention',
    };
  if (v.spec.kind === 'nudge')
    return {
      title: `Reminder: ${plural(n, 'action')} still need${n === 1 ? 's' : ''} an update`,
      intro: `No update has been given yet for ${meeting}.`,
      style: 'warning',
    };
  return {
    title: `Update needed on ${plural(n, 'action')}`,
    intro: `Please give your updates before ${meeting}, so the coordinator can collate the pack.`,
    style: 'warning',
  };
}

function item(v: ActionBatchView, a: ActionLike, updates: readonly UpdateLike[], index: number, today: string): unknown[] {
  const overdue = isOverdueOn(a, today);
  const done = v.updatedSince.includes(a.id);
  const latest = updates.find((u) => u.text);
  const field = `u${index}`;
  const data = { batch: v.spec, page: v.page, actionId: a.id, field };
  return [
    {
      type: 'Container',
      separator: true,
      spacing: 'Medium',
      items: [
        {
          type: 'TextBlock',
          wrap: true,
          color: overdue ? 'Attention' : 'Default',
          text: `**${a.ref}** · ${STATUS_LABELS[a.status] ?? a.status} · ${a.dueDate ? `due ${ukDate(a.dueDate)}${overdue ? ' (overdue)' : ''}` : 'no due date'}${v.spec.coordinator ? ` · ${ownerText(a)}` : ''}`,
        },
        { type: 'TextBlock', wrap: true, spacing: 'None', text: clip(a.text, 200) },
        {
          type: 'TextBlock',
          wrap: true,
          spacing: 'None',
          isSubtle: !done,
          color: done ? 'Good' : 'Default',
          text: done ? `✓ Updated: ${updateLine(latest!, 140)}` : latest ? `Latest: ${updateLine(latest, 140)}` : 'No updates yet.',
        },
      ],
    },
    {
      type: 'ActionSet',
      spacing: 'Small',
      actions: [
        {
          type: 'Action.ShowCard',
          title: `Update ${a.ref}`,
          card: subCard({
            body: [
              {
                type: 'Input.Text',
                id: field,
                label: `Your update for ${a.ref}`,
                isMultiline: true,
                isRequired: true,
                errorMessage: 'Write the update',
                maxLength: TEXT_LIMITS.actionUpdate,
              },
            ],
            actions: [
              {
                type: 'Action.Execute',
                title: 'Save update',
                verb: ACTION_VERBS.batchUpdate,
                data,
                fallback: { type: 'Action.Submit', title: 'Save update', data: { verb: ACTION_VERBS.batchUpdate, ...data } },
              },
            ],
          }),
        },
      ],
    },
  ];
}

const pageButton = (title: string, spec: BatchSpec, page: number) => executeButton(title, ACTION_VERBS.batchPage, { batch: spec, page });

/**
 * A reminder card: every action of one person's cycle (or, the coordinator's copy, who was asked
 * for what and the actions nobody could be asked for), BATCH_PAGE_SIZE a page, each with its own
 * Update box (Action.Execute; the card is refreshed in place). Pure.
 */
export function renderActionBatchCard(v: ActionBatchView): AdaptiveCard {
  const pages = Math.max(1, Math.ceil(v.items.length / BATCH_PAGE_SIZE));
  const page = Math.min(Math.max(0, v.page), pages - 1);
  const view = { ...v, page };
  const today = londonDate(v.now);
  const h = heading(view, v.items.length);
  const shown = v.items.slice(page * BATCH_PAGE_SIZE, (page + 1) * BATCH_PAGE_SIZE);
  const sent = v.sent ?? [];
  const report = v.spec.coordinator
    ? [
        { type: 'TextBlock', text: 'Sent to', weight: 'Bolder', spacing: 'Medium' },
        ...(sent.length
          ? sent
              .slice(0, 30)
              .map((p) => ({ type: 'TextBlock', wrap: true, spacing: 'None', text: `• ${p.name}: ${clip(p.refs.join(', '), 300)}` }))
          : [{ type: 'TextBlock', wrap: true, spacing: 'None', isSubtle: true, text: 'Nobody: no holder can be reached in Teams yet.' }]),
        ...(sent.length > 30 ? [{ type: 'TextBlock', isSubtle: true, spacing: 'None', text: `and ${sent.length - 30} more` }] : []),
        ...(v.items.length ? [{ type: 'TextBlock', text: 'Could not be delivered', weight: 'Bolder', spacing: 'Medium' }] : []),
      ]
    : [];
  return adaptiveCard({
    body: [
      {
        type: 'Container',
        style: h.style,
        bleed: true,
        items: [
          { type: 'TextBlock', text: h.title, weight: 'Bolder', size: 'Medium', wrap: true },
          { type: 'TextBlock', text: h.intro, wrap: true, spacing: 'None' },
        ],
      },
      ...bannerBlock(v.banner),
      ...report,
      ...(pages > 1 ? [{ type: 'TextBlock', isSubtle: true, text: `Page ${page + 1} of ${pages}` }] : []),
      ...shown.flatMap((x, i) => item(view, x.action, x.updates, page * BATCH_PAGE_SIZE + i, today)),
    ],
    actions: [
      ...(page > 0 ? [pageButton('Previous', v.spec, page - 1)] : []),
      ...(page + 1 < pages ? [pageButton('Show more', v.spec, page + 1)] : []),
    ],
  });
}

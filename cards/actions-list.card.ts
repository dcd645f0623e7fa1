import { ownerText, updateLine, type ActionLike, type UpdateLike } from './action.card.js';
import { isOverdueOn, PILLAR_LABELS, STATUS_LABELS } from './actions.verbs.js';
import { clip, londonDate, ukDate } from './format.js';
import { adaptiveCard, type AdaptiveCard } from './card.js';

/** A list of delivery-plan actions (`actions …`). */
export interface ActionsListView {
  title: string;
  items: readonly { action: ActionLike; updates: readonly UpdateLike[] }[];
  /** How many matched (items may be the first of them). */
  total: number;
  now: Date;
}

/** Renders the list: per action ref, status, due (overdue marked), holder, pillar, latest update. Pure. */
export function renderActionsListCard(v: ActionsListView): AdaptiveCard {
  const today = londonDate(v.now);
  const rows = v.items.map(({ action: a, updates }) => {
    const overdue = isOverdueOn(a, today);
    const latest = updates.find((u) => u.text);
    return {
      type: 'Container',
      separator: true,
      spacing: 'Small',
      items: [
        {
          type: 'TextBlock',
          wrap: true,
          text: `**${a.ref}** · ${STATUS_LABELS[a.status] ?? a.status} · ${PILLAR_LABELS[a.pillar] ?? a.pillar}`,
          color: overdue ? 'Attention' : 'Default',
        },
        { type: 'TextBlock', wrap: true, spacing: 'None', text: clip(a.text, 240) },
        {
          type: 'TextBlock',
          wrap: true,
          spacing: 'None',
          isSubtle: true,
          text: `${ownerText(a)} · ${a.dueDate ? `due ${ukDate(a.dueDate)}${overdue ? ' (overdue)' : ''}` : 'no due date'}`,
        },
        ...(latest ? [{ type: 'TextBlock', wrap: true, spacing: 'None', isSubtle: true, text: `Latest: ${updateLine(latest, 200)}` }] : []),
      ],
    };
  });
  const more = v.total > v.items.length ? ` (the first ${v.items.length})` : '';
  return adaptiveCard({
    body: [
      { type: 'TextBlock', text: v.title, weight: 'Bolder', size: 'Medium', wrap: true },
      {
        type: 'TextBlock',
        text:
          v.total === 0
            ? 'No actions match.'
            : `${v.total} action${v.total === 1 ? '' : 's'}${more}. Type \`action <ref>\` to open one and update it.`,
        isSubtle: true,
        spacing: 'None',
        wrap: true,
      },
      ...rows,
    ],
  });
}

import { ownerText, updateLine, type ActionLike, type UpdateLike } from './action.card.js';
import { ACTION_VERBS, executeButton, isOverdueOn, PILLAR_LABELS, STATUS_LABELS, type ListFilter } from './actions.verbs.js';
import { clip, londonDate, ukDate } from './format.js';
import { adaptiveCard, type AdaptiveCard } from './card.js';

/** A page of a list of delivery-plan actions (`actions …`), already in plan order (pillar, then ref). */
export interface ActionsListView {
  title: string;
  items: readonly { action: ActionLike; updates: readonly UpdateLike[] }[];
  /** How many matched in all. */
  total: number;
  /** This page (from 0), how many there are and their size (default: one page of `items`). */
  page?: number;
  pages?: number;
  pageSize?: number;
  /** The list's filter, carried by the paging buttons (default: the whole plan). */
  filter?: ListFilter;
  now: Date;
}

/** Agenda headings of the pillars (seed 001's "6 key actions"), in the national plan's order. */
const PILLAR_HEADINGS: Record<string, string> = {
  prevention: '1. Preventing hate crime',
  responding: '2. Responding to hate crime in our communities',
  increasing_reporting: '3. Increasing the reporting of hate crime',
  supporting_victims: '4. Improving support for the victims of hate crime',
  building_understanding: '5. Building our understanding of hate crime',
  investigation_quality: '6. Improve the quality of our investigations',
  unassigned: 'Not yet assigned to a pillar',
};

function row(a: ActionLike, updates: readonly UpdateLike[], today: string): Record<string, unknown> {
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
        text: `**${a.ref}** · ${STATUS_LABELS[a.status] ?? a.status} · ${ownerText(a)} · ${a.dueDate ? `due ${ukDate(a.dueDate)}${overdue ? ' (overdue)' : ''}` : 'no due date'}`,
        color: overdue ? 'Attention' : 'Default',
      },
      { type: 'TextBlock', wrap: true, spacing: 'None', text: clip(a.text, 160) },
      ...(latest ? [{ type: 'TextBlock', wrap: true, spacing: 'None', isSubtle: true, text: `Latest: ${updateLine(latest, 140)}` }] : []),
    ],
  };
}

const pageButton = (title: string, filter: ListFilter, page: number) => executeButton(title, ACTION_VERBS.listPage, { filter, page });

/**
 * Renders one page of the list under pillar headings (issue 13 item 5): per action ref, status,
 * holder, due (overdue marked), the text and the latest update, clipped so a page stays within
 * about two screens; "Show more" / "Previous" page by Action.Execute, refreshing the card in place. Pure.
 */
export function renderActionsListCard(view: ActionsListView): AdaptiveCard {
  const v = { page: 0, pages: 1, pageSize: view.items.length, filter: { kind: 'all' } as ListFilter, ...view };
  const today = londonDate(v.now);
  const body: unknown[] = [];
  let pillar: string | null = null;
  for (const { action, updates } of v.items) {
    if (action.pillar !== pillar) {
      pillar = action.pillar;
      body.push({
        type: 'TextBlock',
        text: PILLAR_HEADINGS[pillar] ?? PILLAR_LABELS[pillar] ?? pillar,
        weight: 'Bolder',
        spacing: 'Medium',
        wrap: true,
        color: 'Accent',
      });
    }
    body.push(row(action, updates, today));
  }
  const from = v.total === 0 ? 0 : v.page * v.pageSize + 1;
  const to = from === 0 ? 0 : from + v.items.length - 1;
  const summary =
    v.total === 0
      ? 'No actions match.'
      : `${v.total} action${v.total === 1 ? '' : 's'}${v.pages > 1 ? `; ${from}-${to} shown (page ${v.page + 1} of ${v.pages})` : ''}. Type \`action <ref>\` to open one and update it.`;
  return adaptiveCard({
    body: [
      { type: 'TextBlock', text: v.title, weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', text: summary, isSubtle: true, spacing: 'None', wrap: true },
      ...body,
    ],
    actions: [
      ...(v.page > 0 ? [pageButton('Previous', v.filter, v.page - 1)] : []),
      ...(v.page + 1 < v.pages ? [pageButton('Show more', v.filter, v.page + 1)] : []),
    ],
  });
}

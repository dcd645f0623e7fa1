import { ownerText, updateDate, type ActionLike, type UpdateLike } from './action.card.js';
import { ACTION_VERBS, executeButton, STATUS_LABELS } from './actions.verbs.js';
import { adaptiveCard, type AdaptiveCard } from './card.js';
import { clip, ukShortDate } from './format.js';

/** Entries per page of an action's history: about two screens with long updates (issue 13 item 5). */
export const HISTORY_PAGE_SIZE = 10;

/** An action's full history (`action REF history`), newest first. */
export interface ActionHistoryView {
  action: ActionLike;
  updates: readonly UpdateLike[];
  /** The page to show, from 0 (clamped). */
  page: number;
}

const status = (s: string | null | undefined) => (s ? (STATUS_LABELS[s] ?? s) : 'none');

function entry(u: UpdateLike): Record<string, unknown> {
  const what = u.text ? clip(u.text, 1500) : `Status: ${status(u.statusFrom)} → ${status(u.statusTo)}`;
  const revised = u.revisedAt ? ` · revised on import ${ukShortDate(u.revisedAt.toISOString().slice(0, 10))}` : '';
  return {
    type: 'Container',
    separator: true,
    spacing: 'Small',
    items: [
      { type: 'TextBlock', wrap: true, weight: 'Bolder', text: `${updateDate(u)} · ${u.authorName}${revised}` },
      { type: 'TextBlock', wrap: true, spacing: 'None', text: what },
    ],
  };
}

const pageButton = (title: string, actionId: string, page: number) => executeButton(title, ACTION_VERBS.history, { actionId, page });

/**
 * Every dated update and status change of an action, newest first, HISTORY_PAGE_SIZE a page
 * with "Older" / "Newer" buttons (Action.Execute, the card refreshed in place). Updates imported
 * without a date show as "undated (imported)" and come last. Pure.
 */
export function renderActionHistoryCard(v: ActionHistoryView): AdaptiveCard {
  const pages = Math.max(1, Math.ceil(v.updates.length / HISTORY_PAGE_SIZE));
  const page = Math.min(Math.max(0, v.page), pages - 1);
  const shown = v.updates.slice(page * HISTORY_PAGE_SIZE, (page + 1) * HISTORY_PAGE_SIZE);
  const a = v.action;
  const count = v.updates.length;
  const summary =
    count === 0
      ? 'No updates or status changes yet.'
      : `${count} entr${count === 1 ? 'y' : 'ies'}, newest first${pages > 1 ? ` (page ${page + 1} of ${pages})` : ''}.`;
  return adaptiveCard({
    body: [
      { type: 'TextBlock', text: `History · ${a.ref}`, weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', text: clip(a.text, 300), wrap: true, spacing: 'None' },
      { type: 'TextBlock', text: `${ownerText(a)} · ${status(a.status)}`, isSubtle: true, wrap: true, spacing: 'None' },
      { type: 'TextBlock', text: summary, isSubtle: true, wrap: true },
      ...shown.map(entry),
    ],
    actions: [
      ...(page > 0 ? [pageButton('Newer', a.id, page - 1)] : []),
      ...(page + 1 < pages ? [pageButton('Older', a.id, page + 1)] : []),
    ],
  });
}

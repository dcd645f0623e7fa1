import { Template } from 'adaptivecards-templating';

/**
 * The one card skeleton (issue 10 item 9). Every top-level card is an `adaptiveCard({ body,
 * actions })`: schema 1.5 (what Teams renders, with Action.Execute), full width in Teams, and no
 * `actions` when it has no buttons. A card with data-bound parts is written as a template of the
 * same skeleton (`cardTemplate`) and expanded with its view data; a card built from data alone
 * calls `adaptiveCard` directly. Cards shown by a button (Action.ShowCard) are `subCard`s.
 * Pure: no I/O.
 */

/** Adaptive Card JSON (schema 1.5). */
export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

/** The parts of a card: body elements and buttons (a template may bind either to data). */
export interface CardParts {
  body: readonly unknown[];
  actions?: readonly unknown[];
}

const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** Adaptive Cards 1.5: Action.Execute (Universal Actions) and Input labels, as Teams supports. */
export const CARD_VERSION = '1.5';

/** A top-level card: version, $schema, full width in Teams, body, and actions when there are any. */
export function adaptiveCard(parts: CardParts): AdaptiveCard {
  const actions = parts.actions && parts.actions.length > 0 ? { actions: [...parts.actions] } : {};
  return { type: 'AdaptiveCard', $schema: SCHEMA, version: CARD_VERSION, msteams: { width: 'Full' }, body: [...parts.body], ...actions };
}

/** A card opened by an Action.ShowCard button: body and actions only (the outer card sets the rest). */
export function subCard(parts: CardParts): Record<string, unknown> {
  return { type: 'AdaptiveCard', body: [...parts.body], ...(parts.actions ? { actions: [...parts.actions] } : {}) };
}

/**
 * Compiles a card template (adaptivecards-templating `${…}` bindings) on the skeleton once;
 * the returned function expands it with a view's data (`$root`). Buttons whose `$when` or
 * `$data` leave none give a card without `actions`, as `adaptiveCard` does.
 */
export function cardTemplate(parts: CardParts): (data: object) => AdaptiveCard {
  const compiled = new Template({ ...adaptiveCard(parts), actions: [...(parts.actions ?? [])] });
  return (data) => {
    const card = compiled.expand({ $root: data }) as AdaptiveCard;
    if (!Array.isArray(card.actions) || card.actions.length === 0) delete card.actions;
    return card;
  };
}

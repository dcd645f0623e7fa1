import type { TurnContext } from 'botbuilder';
import { actionHistorySubmitSchema, listPageSubmitSchema } from '../../../cards/actions.verbs.js';
import type { AdaptiveCard } from '../../../cards/card.js';
import { parsePillar, type ActionFilter } from '../../../db/actions/actions.service.js';
import type { BotDeps } from '../context.js';
import { problemOf } from '../replies.js';
import { historyCard, listCard } from './actions.handlers.js';

/** Runs a paging answer: a domain error (refusal audited, gone action) becomes its plain reply. */
async function paging(deps: BotDeps, ctx: TurnContext, what: string, work: () => Promise<AdaptiveCard>): Promise<AdaptiveCard | string> {
  try {
    return await work();
  } catch (e) {
    return (await problemOf(deps, ctx, e, { what, notFoundHint: 'Type `actions` for the plan.' })).text;
  }
}

/** `action.history`: the History button of an action card, and Newer / Older on the history card. */
export function handleHistoryPage(deps: BotDeps, ctx: TurnContext, raw: Record<string, unknown>): Promise<AdaptiveCard | string> {
  const p = actionHistorySubmitSchema.safeParse(raw);
  if (!p.success) return Promise.resolve('This card does not name an action the bot holds. Type `actions mine` for yours.');
  return paging(deps, ctx, 'action history', () => historyCard(deps, ctx, { id: p.data.actionId }, p.data.page));
}

/** `actions.page`: Show more / Previous on the `actions` list (the filter is checked again, as typed). */
export function handleListPage(deps: BotDeps, ctx: TurnContext, raw: Record<string, unknown>): Promise<AdaptiveCard | string> {
  const p = listPageSubmitSchema.safeParse(raw);
  if (!p.success) return Promise.resolve('This list card is damaged. Type `actions` for the plan.');
  const f = p.data.filter;
  let filter: ActionFilter;
  if (f.kind === 'pillar') {
    const pillar = parsePillar(f.pillar);
    if (!pillar) return Promise.resolve('This list card is damaged. Type `actions` for the plan.');
    filter = { kind: 'pillar', pillar };
  } else filter = f;
  return paging(deps, ctx, `actions ${filter.kind}`, () => listCard(deps, ctx, filter, p.data.page));
}

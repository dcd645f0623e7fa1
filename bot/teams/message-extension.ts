import { CardFactory, type MessagingExtensionAttachment, type MessagingExtensionResult, type TurnContext } from 'botbuilder';
import type { Application, Query, TurnState } from '@microsoft/teams-ai';
import { z } from 'zod';
import { renderActionCard } from '../../cards/action.card.js';
import { humanise, ukShortDate } from '../../cards/format.js';
import { renderOccurrenceSummaryCard } from '../../cards/occurrence-summary.card.js';
import { discloseOccurrence, searchActions, searchOccurrences, showAction, type OccurrenceHit } from '../../db/search/search.service.js';
import { recordsUrl } from '../views/records-link.js';
import { getActor, type BotDeps } from './context.js';
import { channelConversationId } from './identity.js';
import { problemOf, type RefusalContext } from './replies.js';

/**
 * The search commands of the message extension (manifest/manifest.template.json `composeExtensions`):
 * the command id and the one parameter each takes.
 */
export const ME_COMMANDS = {
  occurrence: { id: 'findOccurrence', parameter: 'reference' },
  action: { id: 'findAction', parameter: 'query' },
} as const;

/** What a result's tap sends back (composeExtension/selectItem) to get the card to insert. */
const selected = z.object({ kind: z.enum(['occurrence', 'action']), id: z.string().uuid() });

const message = (text: string): MessagingExtensionResult => ({ type: 'message', text });
const list = (attachments: MessagingExtensionAttachment[]): MessagingExtensionResult => ({
  type: 'result',
  attachmentLayout: 'list',
  attachments,
});

/** A result line: the preview shows `title` and `text`; tapping it asks the bot for the card (selectItem). */
function hit(title: string, text: string, value: z.infer<typeof selected>): MessagingExtensionAttachment {
  const card = CardFactory.thumbnailCard(title, text);
  return { ...card, preview: { ...card, content: { ...card.content, tap: { type: 'invoke', value } } } };
}

const conversationOf = (ctx: TurnContext) => (ctx.activity.conversation?.id ? channelConversationId(ctx.activity.conversation.id) : null);

/** Runs a search or select; a domain error becomes the message the compose box shows (refusals audited, no data). */
async function answering(
  deps: BotDeps,
  ctx: TurnContext,
  what: RefusalContext,
  run: () => Promise<MessagingExtensionResult>,
): Promise<MessagingExtensionResult> {
  try {
    return await run();
  } catch (e) {
    return message((await problemOf(deps, ctx, e, what)).text);
  }
}

/** The words typed, or null on the first opening (`initialRun`) and when nothing is typed. */
function typed(query: Query<Record<string, unknown>>, parameter: string): string | null {
  const text = query.parameters[parameter];
  if (query.parameters.initialRun === true || query.parameters.initialRun === 'true') return null;
  return typeof text === 'string' && text.trim() ? text.trim().slice(0, 100) : null;
}

const occurrenceLine = (o: OccurrenceHit) =>
  [
    o.recordedAs === 'nchi' ? 'NCHI' : 'Crime',
    o.district,
    o.strands.map(humanise).join(', '),
    `flagged ${ukShortDate(o.flaggedAt)}`,
    o.riskGrade ? `${o.riskGrade} risk` : 'awaiting HCC review',
  ].join(' · ');

/**
 * Registers the search-based message extension (issue 12 item 9) on the app: `findOccurrence`
 * (by reference) and `findAction` (by ref or words) list only what the sender may see (db/search,
 * the one access rule; audited); picking a result inserts its read-only card (selectItem, audited
 * as a disclosure to the conversation the compose box is in).
 */
export function registerMessageExtension(app: Application<TurnState>, deps: BotDeps): void {
  const count = (q: Query<Record<string, unknown>>) => Math.max(1, Math.min(q.count || 10, 25));

  app.messageExtensions.query(ME_COMMANDS.occurrence.id, async (ctx, _state, q) => {
    const text = typed(q, ME_COMMANDS.occurrence.parameter);
    if (!text) return message('Type an occurrence reference, or part of one, e.g. 13/204518/26.');
    return answering(deps, ctx, { what: 'message extension search', entityType: 'occurrence', entityId: '*' }, async () => {
      const hits = await searchOccurrences(deps.db, { actor: getActor(ctx), text, limit: count(q), conversationId: conversationOf(ctx) });
      if (hits.length === 0) return message(`No occurrence you may see has a reference containing "${text}".`);
      return list(hits.map((o) => hit(o.reference, occurrenceLine(o), { kind: 'occurrence', id: o.id })));
    });
  });

  app.messageExtensions.query(ME_COMMANDS.action.id, async (ctx, _state, q) => {
    const text = typed(q, ME_COMMANDS.action.parameter);
    if (!text) return message('Type an action ref (e.g. 1.1 a) or words from the action.');
    return answering(deps, ctx, { what: 'message extension search', entityType: 'action', entityId: '*' }, async () => {
      const hits = await searchActions(deps.db, { actor: getActor(ctx), text, limit: count(q), conversationId: conversationOf(ctx) });
      if (hits.length === 0) return message(`No action you may see matches "${text}".`);
      return list(hits.map((a) => hit(`${a.ref} · ${humanise(a.status)}`, a.text.slice(0, 120), { kind: 'action', id: a.id })));
    });
  });

  app.messageExtensions.selectItem(async (ctx, _state, item) => {
    const pick = selected.safeParse(item);
    if (!pick.success) return message('That result is out of date: search again.');
    const { kind, id } = pick.data;
    const actor = getActor(ctx);
    const conversationId = conversationOf(ctx);
    return answering(deps, ctx, { what: 'message extension insert', entityType: kind, entityId: id }, async () => {
      if (kind === 'action') {
        const detail = await showAction(deps.db, { id, actor, conversationId });
        return list([CardFactory.adaptiveCard(renderActionCard({ detail, mode: 'view', now: deps.clock(), editable: false }))]);
      }
      const { occurrence: o, review } = await discloseOccurrence(deps.db, {
        occurrenceId: id,
        actor,
        conversationId,
        reason: 'message extension',
        repeat: deps.config.repeat,
      });
      const card = renderOccurrenceSummaryCard({ ...o, review, recordsUrl: recordsUrl(deps.config.rmsUrlTemplate, o.reference) });
      return list([CardFactory.adaptiveCard(card)]);
    });
  });
}

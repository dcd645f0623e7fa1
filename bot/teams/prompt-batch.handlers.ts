import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/card.js';
import { PROMPT_BATCH_PAGE_SIZE, renderPromptBatchCard, type PromptBatchView } from '../../cards/prompt-batch.card.js';
import { promptBatchPageSchema, type PromptBatchRef } from '../../cards/verbs.js';
import { promptBatchFor } from '../../db/schedule/prompt-batch.service.js';
import { toPromptBatchRows } from '../views/prompt-view.js';
import { getActor, type BotDeps } from './context.js';
import { channelConversationId } from './identity.js';
import { answeringLostConnection } from './lost-connection.js';
import { problemOf } from './replies.js';

/** What a damaged or forgotten list of prompts answers. */
export const LIST_NOT_HELD = 'This list of reviews is no longer held by the bot. Type `my reviews` for your current reviews.';

/**
 * The card listing several prompts as the reader sees it now, on `page`: every row asked of the
 * access rule (rows the reader may not answer show no data), with an optional outcome banner.
 * @returns the card, or a message when the list is no longer held
 */
export async function promptBatchCard(
  deps: BotDeps,
  ctx: TurnContext,
  batchKey: string,
  page: number,
  banner?: PromptBatchView['banner'],
): Promise<AdaptiveCard | string> {
  const from = page * PROMPT_BATCH_PAGE_SIZE;
  const entries = await promptBatchFor(deps.db, {
    batchKey,
    actor: getActor(ctx),
    shown: { from, to: from + PROMPT_BATCH_PAGE_SIZE },
    conversationId: channelConversationId(ctx.activity.conversation.id),
  });
  if (!entries) return LIST_NOT_HELD;
  const now = deps.clock();
  const personal = ctx.activity.conversation?.conversationType === 'personal';
  const rows = toPromptBatchRows(entries, { personal, now, rmsUrlTemplate: deps.config.rmsUrlTemplate });
  return renderPromptBatchCard({ batchKey, rows, page, now, ...(banner ? { banner } : {}) });
}

/** The inputs of one row of a card listing several prompts, named as a single prompt card names them. */
export function rowInputs(raw: Record<string, unknown>, ref: PromptBatchRef): Record<string, unknown> {
  const at = (name: string) => raw[`${name}_${ref.row}`];
  return {
    scheduledReviewId: raw.scheduledReviewId,
    outcome: at('outcome'),
    service: at('service'),
    note: at('note'),
    reason: at('reason'),
    snooze: at('snooze'),
  };
}

/** `prompt.batch_page`: Show more / Previous on a card listing several review prompts. */
export function handlePromptBatchPage(deps: BotDeps, ctx: TurnContext, raw: Record<string, unknown>): Promise<AdaptiveCard | string> {
  const p = promptBatchPageSchema.safeParse(raw);
  if (!p.success) return Promise.resolve(LIST_NOT_HELD);
  return answeringLostConnection(deps.logger, 'prompt list', async () => {
    try {
      return await promptBatchCard(deps, ctx, p.data.batchKey, p.data.page);
    } catch (e) {
      return (await problemOf(deps, ctx, e, { what: 'prompt list' })).text;
    }
  });
}

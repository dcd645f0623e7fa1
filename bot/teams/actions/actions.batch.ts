import type { TurnContext } from 'botbuilder';
import { renderActionBatchCard } from '../../../cards/action-batch.card.js';
import { actionUpdateSubmitSchema, batchPageSubmitSchema, batchUpdateSubmitSchema, type BatchSpec } from '../../../cards/actions.verbs.js';
import type { AdaptiveCard } from '../../../cards/card.js';
import { changeAction } from '../../../db/actions/actions.service.js';
import { reminderBatchFor } from '../../../db/actions/reminders.service.js';
import type { BotDeps } from '../context.js';
import { answeringLostConnection } from '../lost-connection.js';
import { problemOf } from '../replies.js';
import { actorOf, conversationOf } from './actions.shared.js';

const DAMAGED = 'This reminder card is damaged. Type `actions mine` for your actions.';

/** The reminder card as the reader sees it now, on `page`, with an optional banner. */
async function batchCard(
  deps: BotDeps,
  ctx: TurnContext,
  spec: BatchSpec,
  page: number,
  banner?: { kind: 'error' | 'success'; text: string },
): Promise<AdaptiveCard> {
  const now = deps.clock();
  const b = await reminderBatchFor(deps.db, {
    spec,
    actor: actorOf(ctx),
    cfg: deps.config.actions,
    now,
    conversationId: conversationOf(ctx),
  });
  return renderActionBatchCard({ ...b, page, now, banner });
}

/** `action.batch_page`: Show more / Previous on a reminder card listing several actions. */
export function handleBatchPage(deps: BotDeps, ctx: TurnContext, raw: Record<string, unknown>): Promise<AdaptiveCard | string> {
  const p = batchPageSubmitSchema.safeParse(raw);
  if (!p.success) return Promise.resolve(DAMAGED);
  return answeringLostConnection(deps.logger, 'reminder card', async () => {
    try {
      return await batchCard(deps, ctx, p.data.batch, p.data.page);
    } catch (e) {
      return (await problemOf(deps, ctx, e, { what: 'action reminder card' })).text;
    }
  });
}

/**
 * `action.batch_update`: Save update on one action of a reminder card (issue 13 item 2). Records
 * the update through the actions service (the access rule decides: the holder, an agency's named
 * contact, or a coordinator) and returns the card refreshed in place with the outcome on it;
 * an access refusal is a plain, audited message.
 */
export function handleBatchUpdate(deps: BotDeps, ctx: TurnContext, raw: Record<string, unknown>): Promise<AdaptiveCard | string> {
  const p = batchUpdateSubmitSchema.safeParse(raw);
  if (!p.success) return Promise.resolve(DAMAGED);
  const { batch, page, actionId, field } = p.data;
  return answeringLostConnection(deps.logger, 'reminder card', async () => {
    const text = actionUpdateSubmitSchema.safeParse({ actionId, updateText: raw[field] });
    try {
      if (!text.success)
        return await batchCard(deps, ctx, batch, page, {
          kind: 'error',
          text: `Not saved: ${text.error.issues.map((i) => i.message).join('; ')}`,
        });
      const res = await changeAction(deps.db, {
        id: actionId,
        change: { kind: 'update', text: text.data.updateText },
        actor: actorOf(ctx),
        now: deps.clock(),
      });
      return await batchCard(deps, ctx, batch, page, { kind: 'success', text: `Update saved on ${res.action.ref}. Thank you.` });
    } catch (e) {
      const problem = await problemOf(deps, ctx, e, { what: 'action.update', entityType: 'action', entityId: actionId });
      if (problem.kind === 'refused') return problem.text;
      return batchCard(deps, ctx, batch, page, { kind: 'error', text: `Not saved: ${problem.text}` }).catch(
        () => `Not saved: ${problem.text}`,
      );
    }
  });
}

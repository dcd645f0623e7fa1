import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { renderPromptCard, type PromptCardView } from '../../cards/prompt.card.js';
import type { AdaptiveCard } from '../../cards/card.js';
import { promptBatchRefSchema, promptSubmitSchema, VERBS } from '../../cards/verbs.js';
import {
  answerScheduledReview,
  getScheduledReview,
  promptFacts,
  recordPromptDisclosure,
  reviewsForUser,
  type PromptAnswer,
} from '../../db/schedule/prompts.service.js';
import { snoozeUntil } from '../../db/schedule/schedule.service.js';
import { toPromptCardView } from '../views/prompt-view.js';
import { canAnswerPrompt } from '../../db/access/access.service.js';
import { getActor, type BotDeps } from './context.js';
import { refused } from './refusals.js';
import { problemOf } from './replies.js';
import { channelConversationId } from './identity.js';
import { LIST_NOT_HELD, promptBatchCard, rowInputs } from './prompt-batch.handlers.js';
import { answeringLostConnection, lostSave, NOT_SAVED_TRY_AGAIN, SAVE_UNCONFIRMED, SAVED_DESPITE_DROP } from './lost-connection.js';

/**
 * Handles Done / Not applicable / Snooze on a review prompt, or on one row of a card listing
 * several (its data names the list, `batchKey`, and the row whose inputs hold the answer):
 * validates the card data, records the answer through the schedule service (which updates every
 * posted single copy and the review card) and returns the card to show, the prompt or the list
 * refreshed with the row answered. Invalid answers come back on the card; an access refusal
 * (db/access canAnswerPrompt) is a plain message with no occurrence data, audited.
 * A lost database connection fails only this answer: "not saved, try again" when nothing was
 * saved, else the saved state.
 */
export function handlePromptAnswer(deps: BotDeps, ctx: TurnContext, verb: string, raw: unknown): Promise<AdaptiveCard | string> {
  return answeringLostConnection(deps.logger, 'prompt answer', () => answerFromCard(deps, ctx, verb, raw));
}

async function answerFromCard(deps: BotDeps, ctx: TurnContext, verb: string, raw: unknown): Promise<AdaptiveCard | string> {
  const record = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  // From a card listing several prompts: the same answers, read from the row's inputs.
  const listed = 'batchKey' in record ? promptBatchRefSchema.safeParse(record) : null;
  if (listed && !listed.success) return LIST_NOT_HELD;
  const ref = listed?.data ?? null;
  const parsed = promptSubmitSchema.safeParse(ref ? rowInputs(record, ref) : record);
  const id = record.scheduledReviewId;
  const found = typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) ? await getScheduledReview(deps.db, id) : null;
  if (!found) return 'This prompt refers to a review the bot no longer holds. Type `my reviews` for your current reviews.';
  const actor = getActor(ctx);
  // Asked before anything is shown: a refusal is a plain, audited message, never the prompt card.
  const what = { what: verb, entityType: 'scheduled_review', entityId: found.review.id };
  const no = await refused(deps, ctx, canAnswerPrompt(actor, await promptFacts(deps.db, found.review, found.occurrence)), what);
  if (no) return no;
  const personal = ctx.activity.conversation?.conversationType === 'personal';
  const now = deps.clock();
  // The card the answer came from, refreshed: the single prompt, or the list with this row answered.
  const card = async (review = found.review, banner?: PromptCardView['banner']): Promise<AdaptiveCard | string> =>
    ref
      ? promptBatchCard(deps, ctx, ref.batchKey, ref.page, banner)
      : renderPromptCard(
          toPromptCardView(review, found.occurrence, {
            step: null,
            unreachable: false,
            personal,
            now,
            rmsUrlTemplate: deps.config.rmsUrlTemplate,
            ...(banner ? { banner } : {}),
          }),
        );
  const on = ref ? ` (${found.occurrence.reference})` : '';
  if (!parsed.success)
    return card(found.review, { kind: 'error', text: `Not saved${on}: ${parsed.error.issues.map((i) => i.message).join('; ')}` });
  const d = parsed.data;
  let answer: PromptAnswer;
  if (verb === VERBS.promptDone) answer = { answer: 'done', outcome: d.outcome, note: d.note, service: d.service };
  else if (verb === VERBS.promptNotApplicable) answer = { answer: 'not_applicable', reason: d.reason ?? '' };
  else answer = { answer: 'snooze', until: snoozeUntil(d.snooze ?? '1h', now) };
  try {
    const outcome = await answerScheduledReview(deps.db, { id: found.review.id, answer, actor, cfg: deps.config.schedule, now });
    deps.kickOutbox();
    deps.logger.info({ scheduledReviewId: found.review.id, answer: answer.answer, outcome: outcome.status }, 'review prompt answered');
    if (outcome.status === 'already')
      return await card(outcome.review, { kind: 'warning', text: `This review${on} was already answered; nothing was changed.` });
    const said = { done: 'done', not_applicable: 'not applicable', snooze: 'snoozed, it will come back then' }[answer.answer];
    const saved = ref
      ? `Saved on ${found.occurrence.reference}: ${said}.`
      : answer.answer === 'snooze'
        ? 'Snoozed. The prompt will come back then.'
        : null;
    return await card(outcome.review, saved ? { kind: 'success', text: saved } : undefined);
  } catch (e) {
    const lost = lostSave(e);
    if (!lost) {
      const p = await problemOf(deps, ctx, e, what);
      return p.kind === 'invalid' ? card(found.review, { kind: 'error', text: `Not saved${on}: ${p.text}` }) : p.text;
    }
    deps.logger.warn({ err: e, scheduledReviewId: found.review.id, lost }, 'review prompt: database connection lost while saving');
    if (lost === 'not-saved') return card(found.review, { kind: 'error', text: NOT_SAVED_TRY_AGAIN }).catch(() => NOT_SAVED_TRY_AGAIN);
    // Dropped during COMMIT: read back whether this answer is what is saved now.
    const current = (await getScheduledReview(deps.db, found.review.id).catch(() => null))?.review;
    if (!current) return SAVE_UNCONFIRMED;
    const saved =
      answer.answer === 'snooze'
        ? current.snoozedUntil?.getTime() === answer.until.getTime()
        : current.status === (answer.answer === 'done' ? 'done' : 'not_applicable') && current.completedAt?.getTime() === now.getTime();
    return card(current, saved ? { kind: 'success', text: SAVED_DESPITE_DROP } : { kind: 'error', text: NOT_SAVED_TRY_AGAIN }).catch(
      () => SAVE_UNCONFIRMED,
    );
  }
}

/** Prompt cards `my reviews` posts at most, so one command never floods the chat. */
const MY_REVIEWS_SHOWN = 10;

/** `my reviews`: the user's due (next 24h) and overdue reviews as prompt cards, answerable inline. */
export async function sendMyReviews(deps: BotDeps, ctx: TurnContext): Promise<void> {
  const actor = getActor(ctx);
  const now = deps.clock();
  // One more than shown, to know whether the list was cut.
  const found = await reviewsForUser(deps.db, actor, now, 24, MY_REVIEWS_SHOWN + 1);
  const reviews = found.slice(0, MY_REVIEWS_SHOWN);
  if (reviews.length === 0) {
    const hint = actor.user.upn
      ? ''
      : ' (the bot does not know your user principal name yet, so reviews by OIC or supervisor cannot be matched to you)';
    await ctx.sendActivity(`You have no reviews due in the next 24 hours or overdue${hint}.`);
    return;
  }
  const cut = found.length > MY_REVIEWS_SHOWN;
  await ctx.sendActivity(
    cut
      ? `You have more than ${MY_REVIEWS_SHOWN} reviews due or overdue; here are the first ${MY_REVIEWS_SHOWN} (answer them, then ask again for the rest):`
      : `You have ${reviews.length} review${reviews.length === 1 ? '' : 's'} due or overdue:`,
  );
  const personal = ctx.activity.conversation?.conversationType === 'personal';
  const conversationId = channelConversationId(ctx.activity.conversation.id);
  for (const r of reviews) {
    const item = await getScheduledReview(deps.db, r.id);
    if (!item) continue;
    const card = renderPromptCard(
      toPromptCardView(item.review, item.occurrence, {
        step: null,
        unreachable: false,
        personal,
        now,
        rmsUrlTemplate: deps.config.rmsUrlTemplate,
      }),
    );
    const sent = await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
    if (sent?.id)
      await recordPromptDisclosure(deps.db, {
        scheduledReviewId: r.id,
        conversationId,
        activityId: sent.id,
        actor: actor.label,
        details: { reason: 'my reviews' },
      });
  }
}

import { ActivityTypes, type TurnContext } from 'botbuilder';
import { Application, TurnState, type TeamsAdapter } from '@microsoft/teams-ai';
import { VERBS } from '../../cards/verbs.js';
import { runCommand } from './commands.js';
import { FEATURES } from './features.js';
import { setActor, type BotDeps } from './context.js';
import { rememberConversation, resolveActor } from './identity.js';
import { turnFailureReply } from './replies.js';
import { handlePromptAnswer } from './prompt.handlers.js';
import { handlePromptBatchPage } from './prompt-batch.handlers.js';
import { handleReviewSubmit } from './review-card.handlers.js';
import { handleReviewOpen } from './review-open.handlers.js';
import { registerMessageExtension } from './message-extension.js';

const WELCOME =
  'Hello, I am the Hate Crime Coordinator bot. I post a review card for each newly flagged hate occurrence. ' +
  'A coordinator @mentions me with `subscribe` in a channel (or types it here) to make it a review channel. Type `help` for the commands.';

/**
 * Builds the teams-ai Application: every turn first stores the conversation reference and the
 * sender; then commands, the review card's Universal Actions (`review.open` for the form,
 * `review.submit`) and their Action.Submit fallbacks.
 */
export function createTeamsApp(deps: BotDeps, adapter: TeamsAdapter, botAppId: string): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter,
    botAppId,
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
  });

  app.turn('beforeTurn', async (ctx) => {
    await rememberConversation(deps, ctx);
    const actor = await resolveActor(deps, ctx);
    if (actor) setActor(ctx, actor);
    return true;
  });

  app.conversationUpdate('membersAdded', async (ctx) => {
    const botWasAdded = ctx.activity.membersAdded?.some((m) => m.id === ctx.activity.recipient?.id);
    if (botWasAdded) await ctx.sendActivity(WELCOME);
  });

  // Teams shows the card an Action.Execute returns only to the person who pressed the button.
  app.adaptiveCards.actionExecute(VERBS.reviewSubmit, async (ctx, _state, data) => handleReviewSubmit(deps, ctx, data, true));
  app.adaptiveCards.actionExecute(VERBS.reviewOpen, async (ctx, _state, data) => handleReviewOpen(deps, ctx, data, true));

  // Clients without Universal Actions send the card's data as a message value; the card it
  // replaces is everyone's, except in a personal chat.
  app.adaptiveCards.actionSubmit(VERBS.reviewSubmit, async (ctx, _state, data) => {
    const result = await handleReviewSubmit(deps, ctx, data, isPersonal(ctx));
    await replaceSubmittedCard(ctx, result);
  });
  app.adaptiveCards.actionSubmit(VERBS.reviewOpen, async (ctx, _state, data) =>
    replaceSubmittedCard(ctx, await handleReviewOpen(deps, ctx, data, isPersonal(ctx))),
  );

  const promptVerbs = [VERBS.promptDone, VERBS.promptNotApplicable, VERBS.promptSnooze];
  for (const verb of promptVerbs) {
    app.adaptiveCards.actionExecute(verb, async (ctx, _state, data) => handlePromptAnswer(deps, ctx, verb, data));
    app.adaptiveCards.actionSubmit(verb, async (ctx, _state, data) =>
      replaceSubmittedCard(ctx, await handlePromptAnswer(deps, ctx, verb, data)),
    );
  }

  // Paging a card that lists several prompts (its answers are the prompt verbs above).
  app.adaptiveCards.actionExecute(VERBS.promptBatchPage, async (ctx, _state, data) =>
    handlePromptBatchPage(deps, ctx, (data ?? {}) as Record<string, unknown>),
  );
  app.adaptiveCards.actionSubmit(VERBS.promptBatchPage, async (ctx, _state, data) =>
    replaceSubmittedCard(ctx, await handlePromptBatchPage(deps, ctx, (data ?? {}) as Record<string, unknown>)),
  );

  for (const feature of FEATURES) {
    for (const action of feature.cardActions) {
      app.adaptiveCards.actionExecute(action.verb, async (ctx, _state, data) =>
        action.handle(deps, ctx, (data ?? {}) as Record<string, unknown>),
      );
      app.adaptiveCards.actionSubmit(action.verb, async (ctx, _state, data) =>
        replaceSubmittedCard(ctx, await action.handle(deps, ctx, (data ?? {}) as Record<string, unknown>)),
      );
    }
  }

  registerMessageExtension(app, deps);

  app.activity(ActivityTypes.Message, async (ctx) => {
    if (ctx.activity.value && !ctx.activity.text) {
      await ctx.sendActivity('That card action is no longer supported. Type `help` for what I can do.');
      return;
    }
    await runCommand(deps, ctx, ctx.activity.text ?? '');
  });

  app.error(async (ctx, err) => {
    deps.logger.error({ err, activityType: ctx.activity.type }, 'turn failed');
    if (ctx.activity.type === ActivityTypes.Message) {
      await ctx.sendActivity(turnFailureReply(err, 'message'));
    } else if (ctx.activity.type === ActivityTypes.Invoke && ctx.activity.name === 'adaptiveCard/action') {
      // A card action must get an answer, or Teams shows only a generic error on the card.
      const text = turnFailureReply(err, 'card');
      await ctx.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } },
      });
    }
  });
  return app;
}

const isPersonal = (ctx: TurnContext) => ctx.activity.conversation?.conversationType === 'personal';

async function replaceSubmittedCard(ctx: TurnContext, result: Record<string, unknown> | string): Promise<void> {
  if (typeof result === 'string') {
    await ctx.sendActivity(result);
    return;
  }
  const attachment = { contentType: 'application/vnd.microsoft.card.adaptive', content: result };
  if (ctx.activity.replyToId) await ctx.updateActivity({ id: ctx.activity.replyToId, type: 'message', attachments: [attachment] });
  else await ctx.sendActivity({ type: 'message', attachments: [attachment] });
}

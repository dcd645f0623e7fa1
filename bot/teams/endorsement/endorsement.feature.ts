import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { AdaptiveCard } from '../../../cards/card.js';
import { ENDORSEMENT_VERBS, renderEndorsementCard } from '../../../cards/endorsement.card.js';
import { canSeeOccurrences } from '../../../db/access/access.service.js';
import { findByReference } from '../../../db/occurrences/occurrences.service.js';
import { endorsementFor, seeOccurrence } from '../../../db/reviews/endorsement.service.js';
import { renderCurrentCard } from '../../views/review-view.js';
import { recordsUrl } from '../../views/records-link.js';
import { getActor, type BotDeps } from '../context.js';
import type { Feature } from '../feature.js';
import { channelConversationId } from '../identity.js';
import { refused } from '../refusals.js';
import { problemOf } from '../replies.js';
import { auditCardDisclosure } from '../review-card.handlers.js';

const USAGE = '`endorsement REFERENCE`, e.g. `endorsement 13/204518/26`';
const reference = z.string().trim().min(1).max(64, 'a reference is at most 64 characters').regex(/^\S+$/, 'a reference has no spaces');
const cardData = z.object({ occurrenceId: z.string().uuid() });

/**
 * The RMS endorsement of one occurrence as a card for `ctx`'s sender (access rule and audit in
 * db/reviews `endorsementFor`), or the reply that says why not (refusals audited, no occurrence data).
 */
async function endorsementCard(
  deps: BotDeps,
  ctx: TurnContext,
  occurrenceId: string,
  reason: string,
  backToReview: boolean,
): Promise<AdaptiveCard | string> {
  const conversationId = channelConversationId(ctx.activity.conversation.id);
  try {
    const e = await endorsementFor(deps.db, {
      occurrenceId,
      actor: getActor(ctx),
      conversationId,
      reason,
      template: deps.config.endorsementTemplate,
      repeat: deps.config.repeat,
    });
    return renderEndorsementCard({
      occurrenceId,
      reference: e.occurrence.reference,
      recordedAs: e.occurrence.recordedAs,
      text: e.text,
      recordsUrl: recordsUrl(deps.config.rmsUrlTemplate, e.occurrence.reference),
      backToReview,
    });
  } catch (err) {
    return (await problemOf(deps, ctx, err, { what: 'endorsement', entityType: 'occurrence', entityId: occurrenceId })).text;
  }
}

/**
 * `endorsement REFERENCE`: posts the RMS endorsement of each occurrence held under the reference
 * that the sender may see. Partners and admins are refused before the lookup (not even whether it exists).
 */
export async function runEndorsementCommand(deps: BotDeps, ctx: TurnContext, text: string): Promise<void> {
  const arg = text.replace(/\s+/g, ' ').trim().split(' ').slice(1).join(' ');
  const ref = reference.safeParse(arg);
  if (!arg || !ref.success) {
    const problem = arg ? ref.error!.issues[0]!.message : 'which occurrence? Give its reference.';
    await ctx.sendActivity(`That command is not quite right: ${problem}\n\nUse ${USAGE}.`);
    return;
  }
  const none = await refused(deps, ctx, canSeeOccurrences(getActor(ctx)), { what: 'endorsement' });
  if (none) {
    await ctx.sendActivity(none);
    return;
  }
  const found = await findByReference(deps.db, ref.data);
  if (found.length === 0) {
    await ctx.sendActivity(`No occurrence with reference ${ref.data} is held by the bot.`);
    return;
  }
  for (const occ of found) {
    const card = await endorsementCard(deps, ctx, occ.id, 'endorsement command', false);
    await ctx.sendActivity(typeof card === 'string' ? card : MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  }
}

/** "Back to the review card" on an endorsement: the current review card again, for whoever may see it (audited). */
async function backToReview(deps: BotDeps, ctx: TurnContext, occurrenceId: string): Promise<AdaptiveCard | string> {
  const actor = getActor(ctx);
  try {
    await seeOccurrence(deps.db, occurrenceId, actor, deps.config.repeat);
  } catch (err) {
    return (await problemOf(deps, ctx, err, { what: 'review card', entityType: 'occurrence', entityId: occurrenceId })).text;
  }
  const card = await renderCurrentCard(deps.db, occurrenceId, deps.config, deps.clock());
  if (!card) return 'That occurrence is no longer held by the bot.';
  const conversationId = channelConversationId(ctx.activity.conversation.id);
  await auditCardDisclosure(deps, actor.label, occurrenceId, conversationId, 'back from the endorsement');
  return card;
}

const parseCard = (data: Record<string, unknown>) => cardData.safeParse(data);
const STALE = 'This card is out of date. Type `endorsement REFERENCE` for the endorsement text.';

/** The RMS endorsement (issue 12 item 1): the `endorsement` command and the review card's "Endorsement text" button. */
export const endorsementFeature: Feature = {
  commands: [
    {
      words: ['endorsement', 'endorse'],
      help: [
        "- `endorsement REFERENCE` – the coordinator's advice on a reviewed occurrence as text to paste into the records system (who may see the occurrence; also the reviewed card's **Endorsement text** button)",
      ],
      run: runEndorsementCommand,
    },
  ],
  cardActions: [
    {
      verb: ENDORSEMENT_VERBS.show,
      handle: async (deps, ctx, data) => {
        const p = parseCard(data);
        return p.success ? endorsementCard(deps, ctx, p.data.occurrenceId, 'review card button', true) : STALE;
      },
    },
    {
      verb: ENDORSEMENT_VERBS.back,
      handle: async (deps, ctx, data) => {
        const p = parseCard(data);
        return p.success ? backToReview(deps, ctx, p.data.occurrenceId) : STALE;
      },
    },
  ],
};

import { CardFactory, MessageFactory } from 'botbuilder';
import { renderPromptCard } from '../../cards/prompt.card.js';
import { recordAudit } from '../../db/audit/audit.service.js';
import { recordCardPost } from '../../db/conversations/conversations.service.js';
import { getScheduledReview, recordPromptDisclosure } from '../../db/schedule/prompts.service.js';
import type { BotDeps } from '../teams/context.js';
import { renderCurrentCard } from '../teams/review-card.handlers.js';
import { toPromptCardView } from '../views/prompt-view.js';
import type { OutboxRenderer } from './dispatcher.js';
import type { Rendered } from './teams-send.js';

const cardActivity = (card: Record<string, unknown>, text?: string) => ({ ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), ...(text ? { text } : {}) });

/** Renders every kind of outbox payload at send time, and records posted cards and prompts. */
export function createRenderer(deps: BotDeps): OutboxRenderer {
  return {
    async render(payload, target): Promise<Rendered> {
      switch (payload.type) {
        case 'review_card': {
          const card = await renderCurrentCard(deps, payload.occurrenceId);
          if (!card) return { kind: 'skip', reason: 'occurrence no longer exists' };
          return payload.mode === 'post' ? { kind: 'send', activity: cardActivity(card) } : { kind: 'update', activityId: payload.activityId, activity: cardActivity(card) };
        }
        case 'review_prompt': {
          const found = await getScheduledReview(deps.db, payload.scheduledReviewId);
          if (!found) return { kind: 'skip', reason: 'review no longer exists' };
          // A review answered after the step was queued stops every later step.
          if (found.review.status !== 'pending') return { kind: 'skip', reason: `review already ${found.review.status}` };
          const view = toPromptCardView(found.review, found.occurrence, { step: payload.step, unreachable: payload.unreachable, personal: target.personal, now: deps.clock() });
          return { kind: 'send', activity: cardActivity(renderPromptCard(view)) };
        }
        case 'review_prompt_update': {
          const found = await getScheduledReview(deps.db, payload.scheduledReviewId);
          if (!found) return { kind: 'skip', reason: 'review no longer exists' };
          const view = toPromptCardView(found.review, found.occurrence, { step: null, unreachable: false, personal: target.personal, now: deps.clock() });
          return { kind: 'update', activityId: payload.activityId, activity: cardActivity(renderPromptCard(view)) };
        }
        case 'card':
          return { kind: 'send', activity: cardActivity(payload.card, payload.text) };
        case 'text':
          return { kind: 'send', activity: MessageFactory.text(payload.text) };
      }
    },
    async afterSent(trx, payload, conversationId, activityId) {
      if (!activityId) return;
      if (payload.type === 'review_card') {
        // A refreshed copy shows the occurrence again: a disclosure too (need to know: every showing is audited).
        if (payload.mode === 'post') await recordCardPost(trx, payload.occurrenceId, conversationId, activityId);
        await recordAudit(trx, { actor: 'system:outbox', action: 'card.disclosed', entityType: 'occurrence', entityId: payload.occurrenceId, details: { conversationId, reason: payload.mode === 'post' ? 'review channel' : 'review card refresh', activityId } });
      } else if (payload.type === 'review_prompt') {
        await recordPromptDisclosure(trx, { scheduledReviewId: payload.scheduledReviewId, conversationId, activityId, actor: 'system:outbox', details: { step: payload.step, unreachable: payload.unreachable } });
      }
    },
  };
}

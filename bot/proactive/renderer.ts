import { CardFactory, MessageFactory } from 'botbuilder';
import { renderActionCard } from '../../cards/action.card.js';
import { renderDigestCard } from '../../cards/digest.card.js';
import { renderPromptCard } from '../../cards/prompt.card.js';
import { renderPromptBatchCard } from '../../cards/prompt-batch.card.js';
import { renderSummaryCard } from '../../cards/summary.card.js';
import { renderActionBatchCard } from '../../cards/action-batch.card.js';
import { actionForCard, reminderBatchForCard } from '../../db/actions/reminders.service.js';
import { recordAudit } from '../../db/audit/audit.service.js';
import { recordCardPost } from '../../db/conversations/conversations.service.js';
import type { OutboxPayload } from '../../db/outbox/outbox.service.js';
import { digestFor } from '../../db/schedule/digest.service.js';
import { getScheduledReview, recordPromptDisclosure } from '../../db/schedule/prompts.service.js';
import { promptBatchForSend, recordPromptBatchDisclosure } from '../../db/schedule/prompt-batch.service.js';
import { summaryForCard } from '../../db/summary/scheduled-summaries.service.js';
import { summarySettingsOf } from '../../db/summary/summary.service.js';
import type { BotDeps } from '../teams/context.js';
import { toPromptBatchRows, toPromptCardView } from '../views/prompt-view.js';
import { renderCurrentCard } from '../views/review-view.js';
import { recordsUrl } from '../views/records-link.js';
import type { OutboxRenderer } from './dispatcher.js';
import type { Rendered } from './teams-send.js';

const cardActivity = (card: Record<string, unknown>, text?: string) => ({
  ...MessageFactory.attachment(CardFactory.adaptiveCard(card)),
  ...(text ? { text } : {}),
});
const send = (card: Record<string, unknown>, text?: string): Rendered => ({ kind: 'send', activity: cardActivity(card, text) });

type Target = { conversationId: string; personal: boolean };

/** Turns one payload into what to send, reading the current state through the services. */
async function render(deps: BotDeps, payload: OutboxPayload, target: Target): Promise<Rendered> {
  switch (payload.type) {
    case 'review_card': {
      const card = await renderCurrentCard(deps.db, payload.occurrenceId, deps.config, deps.clock());
      if (!card) return { kind: 'skip', reason: 'occurrence no longer exists' };
      return payload.mode === 'post' ? send(card) : { kind: 'update', activityId: payload.activityId, activity: cardActivity(card) };
    }
    case 'review_prompt': {
      const found = await getScheduledReview(deps.db, payload.scheduledReviewId);
      if (!found) return { kind: 'skip', reason: 'review no longer exists' };
      // A review answered after the step was queued stops every later step.
      if (found.review.status !== 'pending') return { kind: 'skip', reason: `review already ${found.review.status}` };
      return send(
        renderPromptCard(
          toPromptCardView(found.review, found.occurrence, {
            step: payload.step,
            unreachable: payload.unreachable,
            personal: target.personal,
            now: deps.clock(),
            rmsUrlTemplate: deps.config.rmsUrlTemplate,
          }),
        ),
      );
    }
    case 'review_prompt_batch': {
      const entries = await promptBatchForSend(deps.db, payload);
      // Every review answered since the list was queued: nothing left to ask.
      if (entries.length === 0) return { kind: 'skip', reason: 'every review listed was already answered' };
      const now = deps.clock();
      const rows = toPromptBatchRows(entries, { personal: target.personal, now, rmsUrlTemplate: deps.config.rmsUrlTemplate });
      return send(renderPromptBatchCard({ batchKey: payload.batchKey, rows, page: 0, now }));
    }
    case 'review_prompt_update': {
      const found = await getScheduledReview(deps.db, payload.scheduledReviewId);
      if (!found) return { kind: 'skip', reason: 'review no longer exists' };
      const view = toPromptCardView(found.review, found.occurrence, {
        step: null,
        unreachable: false,
        personal: target.personal,
        now: deps.clock(),
        rmsUrlTemplate: deps.config.rmsUrlTemplate,
      });
      return { kind: 'update', activityId: payload.activityId, activity: cardActivity(renderPromptCard(view)) };
    }
    case 'action': {
      const detail = await actionForCard(deps.db, payload.actionId);
      if (!detail) return { kind: 'skip', reason: 'action no longer exists' };
      const meeting = payload.meeting && { kind: payload.meeting.kind, startsAt: new Date(payload.meeting.startsAt) };
      return send(
        renderActionCard({ detail, mode: payload.mode, now: deps.clock(), meeting, unreachable: payload.unreachable, editable: true }),
      );
    }
    case 'digest': {
      const now = deps.clock();
      const data = await digestFor(deps.db, payload.districts, new Date(payload.since), now);
      const tpl = deps.config.rmsUrlTemplate;
      const link = <T extends { reference: string }>(o: T) => ({ ...o, recordsUrl: recordsUrl(tpl, o.reference) });
      return send(
        renderDigestCard({
          ...data,
          flagged: data.flagged.map(link),
          highRiskOpen: data.highRiskOpen.map(link),
          scope: payload.districts ? payload.districts.join(', ') : 'all districts',
          now,
        }),
      );
    }
    case 'summary':
      return send(await renderSummaryCard(await summaryForCard(deps.db, payload, summarySettingsOf(deps.config), deps.clock())));
    case 'card':
      return send(payload.card, payload.text);
    case 'text':
      return { kind: 'send', activity: MessageFactory.text(payload.text) };
    case 'action_batch': {
      const now = deps.clock();
      const b = await reminderBatchForCard(deps.db, payload, deps.config.actions, now);
      // Everything answered or closed since it was queued: nothing to ask (the coordinator's report still goes).
      if (b.items.length === 0 && !payload.coordinator) return { kind: 'skip', reason: 'no action needs it any more' };
      return send(renderActionBatchCard({ ...b, page: 0, now }));
    }
  }
}

/**
 * The one renderer of the outbox: turns every payload type into its card at send time (so a late
 * send shows the current state), and records posted review cards and prompts (one disclosure per
 * review on a card listing several) as disclosures.
 */
export function createRenderer(deps: BotDeps): OutboxRenderer {
  return {
    render: (payload, target) => render(deps, payload, target),
    async afterSent(trx, payload, conversationId, activityId) {
      if (!activityId) return;
      if (payload.type === 'review_card') {
        // A refreshed copy shows the occurrence again: a disclosure too (need to know: every showing is audited).
        if (payload.mode === 'post') await recordCardPost(trx, payload.occurrenceId, conversationId, activityId);
        await recordAudit(trx, {
          actor: 'system:outbox',
          action: 'card.disclosed',
          entityType: 'occurrence',
          entityId: payload.occurrenceId,
          details: { conversationId, reason: payload.mode === 'post' ? 'review channel' : 'review card refresh', activityId },
        });
      } else if (payload.type === 'review_prompt') {
        await recordPromptDisclosure(trx, {
          scheduledReviewId: payload.scheduledReviewId,
          conversationId,
          activityId,
          actor: 'system:outbox',
          details: { step: payload.step, unreachable: payload.unreachable },
        });
      } else if (payload.type === 'review_prompt_batch') {
        await recordPromptBatchDisclosure(trx, { payload, conversationId, activityId, actor: 'system:outbox' });
      }
    },
  };
}

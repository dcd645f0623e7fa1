import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/card.js';
import { renderReviewCard, type ReviewCardView } from '../../cards/review.card.js';
import { parseReviewSubmit } from '../../cards/verbs.js';
import { recordAudit } from '../../db/audit/audit.service.js';
import { repeatRefsFor, reviewCardFor, submitReviewCard, type ReviewCardData } from '../../db/reviews/review-card.service.js';
import type { ChecklistItem } from '../../db/reviews/reviews.service.js';
import { toDraft, toReviewCard } from '../views/review-view.js';
import { answeringLostConnection, lostSave, NOT_SAVED_TRY_AGAIN, SAVE_UNCONFIRMED, SAVED_DESPITE_DROP } from './lost-connection.js';
import { getActor, type BotDeps } from './context.js';
import { problemOf, type Issue } from './replies.js';

/**
 * Handles a review card submit (Action.Execute, or the Action.Submit fallback) like every card
 * answer: parse the card data, one service call (db/reviews `submitReviewCard`: access, the answer
 * rule, the save) that returns everything the card needs, render. Invalid answers come back on
 * the card with the user's answers kept; domain errors are answered by bot/teams/replies.ts (an
 * access refusal is a plain, audited message without occurrence data). A lost database connection
 * fails only this submit: "not saved, try again" when nothing was saved, the saved review when it was.
 * Answers that are not saved come back in the form (only the submitter sees them); a saved review is
 * the read-only card with its Re-grade button.
 * @param onlyToSender whether only the sender sees the answer (Action.Execute, or a personal chat):
 *   then the card names the repeat references the sender may see; otherwise (an Action.Submit
 *   fallback replaces the card for everyone in a channel) counts only
 * @returns the card to show, or a plain message when the card itself is unusable
 */
export function handleReviewSubmit(deps: BotDeps, ctx: TurnContext, raw: unknown, onlyToSender: boolean): Promise<AdaptiveCard | string> {
  return answeringLostConnection(deps.logger, 'review submit', () => submitFromCard(deps, ctx, raw, onlyToSender));
}

const WHERE: Record<string, string> = {
  riskRationale: 'Rationale',
  riskGrade: 'Risk grade',
  nchiThreshold: 'NCHI threshold',
  nchiSubjectRefs: "Subject's personal data",
};

/** Where an answer problem is on the card, for the list under the banner: "Item 3", "Risk grade", "Rationale". */
function describe(checklist: readonly ChecklistItem[], issues: readonly Issue[]): string[] {
  const labels = new Map(checklist.map((i, n) => [i.key, `Item ${n + 1}`]));
  return issues.map((i) => {
    const key = /^(?:item|note)_(.+)$/.exec(i.path)?.[1];
    const where = key && labels.has(key) ? labels.get(key)! : (WHERE[i.path] ?? i.path);
    return `${where}: ${i.message}`;
  });
}

async function submitFromCard(deps: BotDeps, ctx: TurnContext, raw: unknown, onlyToSender: boolean): Promise<AdaptiveCard | string> {
  const parsed = parseReviewSubmit(raw);
  if (!parsed.ok) return `${parsed.problem}. Type \`review REFERENCE\` to get a fresh card.`;
  const { occurrenceId, expectedVersion, answers } = parsed.data;
  const checklist = deps.config.checklist;
  const actor = getActor(ctx);
  const reviewer = { userId: actor.user.id, name: actor.user.name, label: actor.label, roles: actor.roles, districts: actor.districts };
  const now = deps.clock();
  const draft = toDraft(answers);
  // Answers sent back go in the form (the submitter may submit: the service asked the rule first);
  // a saved review is read-only, with Re-grade.
  const render = (card: ReviewCardData, banner?: ReviewCardView['banner'], withDraft = false) =>
    renderReviewCard(
      toReviewCard(card, checklist, now, deps.config.rmsUrlTemplate, {
        ...(banner ? { banner } : {}),
        ...(withDraft ? { draft, mode: 'form' as const, nchiDecision: deps.config.nchiPolicy === 'code-2023' } : { offerReview: true }),
        ...(onlyToSender ? { repeatRefs: repeatRefsFor(card, actor) } : {}),
      }),
    );
  try {
    const outcome = await submitReviewCard(deps.db, {
      occurrenceId,
      expectedVersion,
      answers,
      checklist,
      repeat: deps.config.repeat,
      reviewer,
      now,
      schedule: deps.config.schedule,
      nchiPolicy: deps.config.nchiPolicy,
    });
    if (outcome.status === 'invalid') {
      deps.logger.info({ occurrenceId, problems: outcome.issues.length }, 'HCC review refused: invalid answers');
      return render(
        outcome.card,
        {
          kind: 'error',
          text: 'The review was not saved: some answers are missing or not valid.',
          details: describe(checklist, outcome.issues),
        },
        true,
      );
    }
    // Only a save queues card updates (one per posted copy); a stale submit queues nothing.
    if (outcome.status === 'saved' && outcome.queued > 0) deps.kickOutbox();
    deps.logger.info(
      {
        occurrenceId,
        outcome: outcome.status,
        version: outcome.status === 'saved' ? outcome.card.review?.version : null,
        grade: answers.riskGrade,
      },
      'HCC review submitted',
    );
    if (outcome.status === 'stale') {
      const who = outcome.card.review ? `${outcome.card.review.reviewerName} saved a review first` : 'The review changed';
      return render(
        outcome.card,
        {
          kind: 'warning',
          text: `${who}. Your answers were not saved; they are kept below. Check the current review and submit again to record a re-grade.`,
        },
        true,
      );
    }
    return render(outcome.card);
  } catch (e) {
    const lost = lostSave(e);
    if (!lost) {
      const p = await problemOf(deps, ctx, e, { what: 'review.submit', entityType: 'occurrence', entityId: occurrenceId });
      return p.kind === 'not-found' ? `${p.text} Type \`review REFERENCE\` to look it up.` : p.text;
    }
    deps.logger.warn({ err: e, occurrenceId, lost }, 'HCC review: database connection lost while saving');
    // Read back what is saved now (only for a reviewer who may see the card): this user's review
    // as the next version means a drop during COMMIT did not lose it.
    const current = await reviewCardFor(deps.db, occurrenceId, reviewer, deps.config.repeat).catch(() => undefined);
    if (!current) return lost === 'unknown' ? SAVE_UNCONFIRMED : NOT_SAVED_TRY_AGAIN;
    if (lost === 'unknown' && current.review?.version === expectedVersion + 1 && current.review.reviewerUserId === actor.user.id)
      return render(current, { kind: 'success', text: SAVED_DESPITE_DROP });
    return render(current, { kind: 'error', text: NOT_SAVED_TRY_AGAIN }, true);
  }
}

/** Audits that a review card was shown to a conversation (a disclosure, DPA 2018 s62). */
export async function auditCardDisclosure(
  deps: BotDeps,
  actorLabel: string,
  occurrenceId: string,
  conversationId: string,
  reason: string,
): Promise<void> {
  await recordAudit(deps.db, {
    actor: actorLabel,
    action: 'card.disclosed',
    entityType: 'occurrence',
    entityId: occurrenceId,
    details: { conversationId, reason },
  });
}

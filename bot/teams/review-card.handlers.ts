import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/card.js';
import { renderReviewCard, type ReviewCardView } from '../../cards/review.card.js';
import { parseReviewSubmit } from '../../cards/verbs.js';
import { recordAudit } from '../../db/audit/audit.service.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../db/errors.js';
import { loadReviewCard, submitReview, type ReviewAnswers } from '../../db/reviews/reviews.service.js';
import { scheduleFor } from '../../db/schedule/schedule.service.js';
import { toReviewCardView } from '../views/review-view.js';
import { answeringLostConnection, lostSave, NOT_SAVED_TRY_AGAIN, SAVE_UNCONFIRMED, SAVED_DESPITE_DROP } from './lost-connection.js';
import { canSubmitReview, occurrenceFacts } from '../../db/access/access.service.js';
import { getActor, type BotDeps } from './context.js';
import { refusalOf, refused } from './refusals.js';

type Draft = NonNullable<ReviewCardView['draft']>;

/** The user's answers as they sent them, kept so a refused submit loses nothing. */
function draftFrom(raw: Record<string, unknown>, itemKeys: readonly string[]): Draft {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
  const pick = <T extends string>(v: unknown, allowed: readonly T[]) => (allowed.includes(v as T) ? (v as T) : null);
  return {
    decisions: Object.fromEntries(
      itemKeys.map((k) => [k, { decision: pick(raw[`item_${k}`], ['yes', 'no', 'na'] as const), note: text(raw[`note_${k}`]) }]),
    ),
    riskGrade: pick(raw.riskGrade, ['standard', 'medium', 'high'] as const),
    riskRationale: text(raw.riskRationale),
  };
}

/** Renders the current card of an occurrence (for proactive posts and `review <reference>`). */
export async function renderCurrentCard(deps: BotDeps, occurrenceId: string, extra: Pick<ReviewCardView, 'banner' | 'draft'> = {}): Promise<AdaptiveCard | null> {
  const loaded = await loadReviewCard(deps.db, occurrenceId, deps.config.repeat);
  if (!loaded) return null;
  const schedule = await scheduleFor(deps.db, occurrenceId);
  return renderReviewCard(toReviewCardView(loaded.occurrence, loaded.review, deps.config.checklist, { ...extra, schedule, now: deps.clock() }));
}

/**
 * Handles a review card submit (Action.Execute, or the Action.Submit fallback): validates the
 * data, asks the access rule (a coordinator of the occurrence's district), saves through the
 * review service and returns the card to show the submitter. Invalid answers come back on the
 * card with the user's answers kept; an access refusal is a plain message (no occurrence data). A lost
 * database connection fails only this submit: "not saved, try again" when nothing was saved,
 * the saved review when it was (also when only the refresh after saving failed).
 * @returns the card to show, or a plain message when the card itself is unusable
 */
export function handleReviewSubmit(deps: BotDeps, ctx: TurnContext, raw: unknown): Promise<AdaptiveCard | string> {
  return answeringLostConnection(deps.logger, 'review submit', () => submitFromCard(deps, ctx, raw));
}

async function submitFromCard(deps: BotDeps, ctx: TurnContext, raw: unknown): Promise<AdaptiveCard | string> {
  const data = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const occurrenceId = typeof data.occurrenceId === 'string' ? data.occurrenceId : '';
  if (!/^[0-9a-f-]{36}$/i.test(occurrenceId)) return 'This card does not name a valid occurrence. Type `review REFERENCE` to get a fresh card.';
  const facts = await occurrenceFacts(deps.db, occurrenceId);
  if (!facts) return 'That occurrence is no longer held by the bot. Type `review REFERENCE` to look it up.';
  // Need to know: a refusal is a plain message, never the occurrence card (audited as access_refused).
  const no = await refused(deps, ctx, canSubmitReview(getActor(ctx), facts), { what: 'review.submit', entityType: 'occurrence', entityId: occurrenceId });
  if (no) return no;
  const loaded = await loadReviewCard(deps.db, occurrenceId, deps.config.repeat);
  if (!loaded) return 'That occurrence is no longer held by the bot. Type `review REFERENCE` to look it up.';
  const checklist = deps.config.checklist;
  const keys = checklist.map((i) => i.key);
  const labels = new Map(checklist.map((i, n) => [i.key, `Item ${n + 1}`]));
  const draft = draftFrom(data, keys);
  const schedule = await scheduleFor(deps.db, occurrenceId);
  const now = deps.clock();
  const card = (review: typeof loaded.review, banner: ReviewCardView['banner'], withDraft: boolean) =>
    renderReviewCard(toReviewCardView(loaded.occurrence, review, checklist, { ...(banner ? { banner } : {}), ...(withDraft ? { draft } : {}), schedule, now }));
  const actor = getActor(ctx);
  const parsed = parseReviewSubmit(data, keys);
  const describe = (issues: readonly { path: string; message: string }[]) =>
    issues.map((i) => {
      const key = /^(?:item|note)_(.+)$/.exec(i.path)?.[1];
      const where = key && labels.has(key) ? labels.get(key)! : i.path === 'riskRationale' ? 'Rationale' : i.path === 'riskGrade' ? 'Risk grade' : i.path;
      return `${where}: ${i.message}`;
    });
  if (!parsed.ok) {
    deps.logger.info({ occurrenceId, problems: parsed.issues.length }, 'HCC review refused: invalid answers');
    return card(loaded.review, { kind: 'error', text: 'The review was not saved: some answers are not valid.', details: describe(parsed.issues) }, true);
  }
  if (!parsed.data.riskGrade) {
    return card(loaded.review, { kind: 'error', text: 'The review was not saved.', details: ['Risk grade: choose standard, medium or high'] }, true);
  }
  const answers: ReviewAnswers = { decisions: parsed.data.decisions, riskGrade: parsed.data.riskGrade, riskRationale: parsed.data.riskRationale };
  try {
    const outcome = await submitReview(deps.db, {
      occurrenceId,
      expectedVersion: parsed.data.expectedVersion,
      answers,
      checklist,
      nchi: loaded.occurrence.recordedAs === 'nchi',
      reviewer: { userId: actor.user.id, name: actor.user.name, label: actor.label, roles: actor.roles, districts: actor.districts },
      now: deps.clock(),
    });
    deps.kickOutbox();
    deps.logger.info({ occurrenceId, outcome: outcome.status, version: outcome.status === 'saved' ? outcome.review.version : null, grade: answers.riskGrade }, 'HCC review submitted');
    if (outcome.status === 'stale') {
      const who = outcome.current ? `${outcome.current.reviewerName} saved a review first` : 'The review changed';
      return card(
        outcome.current,
        { kind: 'warning', text: `${who}. Your answers were not saved; they are kept below. Check the current review and submit again to record a re-grade.` },
        true,
      );
    }
    // Saved: a failure from here on must not read as "not saved"; the card goes without its schedule.
    const fresh = await scheduleFor(deps.db, occurrenceId).catch((err: unknown) => void deps.logger.warn({ err, occurrenceId }, 'review saved; its schedule could not be read for the card'));
    return renderReviewCard(toReviewCardView(loaded.occurrence, outcome.review, checklist, { ...(fresh ? { schedule: fresh } : { banner: { kind: 'success', text: 'Review saved.' } }), now }));
  } catch (e) {
    if (e instanceof ValidationError) {
      deps.logger.info({ occurrenceId, problems: e.issues.length }, 'HCC review refused: incomplete');
      return card(loaded.review, { kind: 'error', text: 'The review was not saved: it is incomplete.', details: describe(e.issues) }, true);
    }
    if (e instanceof NotFoundError) return e.message;
    if (e instanceof ForbiddenError) return refusalOf(deps, ctx, e, { what: 'review.submit', entityType: 'occurrence', entityId: occurrenceId });
    const lost = lostSave(e);
    if (!lost) throw e;
    deps.logger.warn({ err: e, occurrenceId, lost }, 'HCC review: database connection lost while saving');
    // Dropped during COMMIT: read back whether this user's review is the next version.
    const current = lost === 'unknown' ? (await loadReviewCard(deps.db, occurrenceId, deps.config.repeat).catch(() => null))?.review : loaded.review;
    if (current === undefined) return SAVE_UNCONFIRMED;
    if (lost === 'unknown' && current?.version === parsed.data.expectedVersion + 1 && current.reviewerUserId === actor.user.id) return card(current, { kind: 'success', text: SAVED_DESPITE_DROP }, false);
    return card(current, { kind: 'error', text: NOT_SAVED_TRY_AGAIN }, true);
  }
}

/** Audits that a review card was shown to a conversation (a disclosure, DPA 2018 s62). */
export async function auditCardDisclosure(deps: BotDeps, actorLabel: string, occurrenceId: string, conversationId: string, reason: string): Promise<void> {
  await recordAudit(deps.db, { actor: actorLabel, action: 'card.disclosed', entityType: 'occurrence', entityId: occurrenceId, details: { conversationId, reason } });
}

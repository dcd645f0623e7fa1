import type { Kysely } from 'kysely';
import { allow, canSubmitReview } from '../access/access.policy.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { getOccurrence, type OccurrenceDetail, type RepeatRule } from '../occurrences/occurrences.service.js';
import type { Database, Db } from '../schema.js';
import { scheduleFor, type ScheduledReview } from '../schedule/schedule.service.js';
import type { AnswerIssue, AnswersDraft, ChecklistItem } from './checklist.policy.js';
import { getCurrentReview, submitReview, type Review, type Reviewer } from './reviews.service.js';

/** Everything the review card shows: the occurrence, its current review and its review schedule. */
export interface ReviewCardData {
  occurrence: OccurrenceDetail;
  review: Review | null;
  /** null when it could not be read after the review was saved (the card goes without it). */
  schedule: ScheduledReview[] | null;
}

/**
 * What became of a review card's submit, with the card to show:
 * - `saved`: the review is the next version (`scheduleError` when only reading the schedule after saving failed);
 * - `stale`: someone saved first; nothing was saved, `card.review` is theirs;
 * - `invalid`: the answers break the checklist rule (checklist.policy.ts `checkAnswers`); nothing was saved.
 */
export type ReviewCardOutcome =
  | { status: 'saved'; card: ReviewCardData; scheduleError?: unknown }
  | { status: 'stale'; card: ReviewCardData }
  | { status: 'invalid'; card: ReviewCardData; issues: AnswerIssue[] };

/**
 * The review card's submit in one call: finds the occurrence, asks the access rule (a
 * coordinator of its district; db/access), checks the answers against the one rule and saves
 * the next version (reviews.service.ts `submitReview`: one transaction, audited, every posted
 * copy of the card refreshed). Returns everything the card needs, whatever the outcome. Once the
 * review is saved nothing else can fail the call: the schedule is then read best-effort.
 * @throws NotFoundError when the occurrence is not held by the bot
 * @throws ForbiddenError unless the reviewer is a coordinator for the occurrence's district (before anything is shown)
 */
export async function submitReviewCard(
  conn: Kysely<Database>,
  input: {
    occurrenceId: string;
    expectedVersion: number;
    answers: AnswersDraft;
    checklist: readonly ChecklistItem[];
    repeat: RepeatRule;
    reviewer: Reviewer;
    now: Date;
  },
): Promise<ReviewCardOutcome> {
  const occurrence = await getOccurrence(conn, input.occurrenceId, input.repeat);
  if (!occurrence) throw new NotFoundError('that occurrence is no longer held by the bot');
  allow(canSubmitReview(input.reviewer, occurrence));
  let outcome: Awaited<ReturnType<typeof submitReview>>;
  try {
    outcome = await submitReview(conn, input);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const [review, schedule] = await Promise.all([getCurrentReview(conn, input.occurrenceId), scheduleFor(conn, input.occurrenceId)]);
    return { status: 'invalid', issues: [...e.issues], card: { occurrence, review, schedule } };
  }
  if (outcome.status === 'stale')
    return { status: 'stale', card: { occurrence, review: outcome.current, schedule: await scheduleFor(conn, input.occurrenceId) } };
  try {
    return { status: 'saved', card: { occurrence, review: outcome.review, schedule: await scheduleFor(conn, input.occurrenceId) } };
  } catch (scheduleError) {
    return { status: 'saved', card: { occurrence, review: outcome.review, schedule: null }, scheduleError };
  }
}

/** The review card of an occurrence (its current review and schedule), or null when the bot does not hold it. */
export async function loadReviewCard(db: Db, occurrenceId: string, repeat: RepeatRule): Promise<ReviewCardData | null> {
  const occurrence = await getOccurrence(db, occurrenceId, repeat);
  if (!occurrence) return null;
  const [review, schedule] = await Promise.all([getCurrentReview(db, occurrenceId), scheduleFor(db, occurrenceId)]);
  return { occurrence, review, schedule };
}

/**
 * The review card as `reviewer` may see it to submit (a coordinator of the occurrence's
 * district), or null when the occurrence is not held or the reviewer may not submit it: e.g. to
 * show what is saved after a failed submit.
 */
export async function reviewCardFor(db: Db, occurrenceId: string, reviewer: Reviewer, repeat: RepeatRule): Promise<ReviewCardData | null> {
  const card = await loadReviewCard(db, occurrenceId, repeat);
  return card && canSubmitReview(reviewer, card.occurrence).ok ? card : null;
}

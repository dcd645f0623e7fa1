import type { Kysely } from 'kysely';
import { allow, canSeeOccurrence, canSubmitReview, type Actor, type Decision } from '../access/access.policy.js';
import { NotFoundError } from '../errors.js';
import type { RepeatRule } from '../occurrences/occurrences.service.js';
import type { Database, Db } from '../schema.js';
import type { ScheduleConfig } from '../schedule/schedule.service.js';
import type { NchiPolicy } from '../occurrences/occurrences.service.js';
import { checkAnswers, type AnswerIssue, type AnswersDraft, type ChecklistItem } from './checklist.policy.js';
import { readReviewCard, type LinkedOccurrence, type Review, type ReviewCardData } from './review-card.read.js';
import { saveCheckedReview, type Reviewer } from './reviews.service.js';

export type { GradeEntry, LinkedOccurrence, ReviewCardData } from './review-card.read.js';

/**
 * What became of a review card's submit, with the card to show:
 * - `saved`: the review is the next version; `queued` card updates went to the outbox;
 * - `stale`: someone saved first; nothing was saved, `card.review` is theirs;
 * - `invalid`: the answers break the checklist rule (checklist.policy.ts `checkAnswers`); nothing was saved.
 */
export type ReviewCardOutcome =
  | { status: 'saved'; card: ReviewCardData; queued: number }
  | { status: 'stale'; card: ReviewCardData }
  | { status: 'invalid'; card: ReviewCardData; issues: AnswerIssue[] };

const GONE = 'that occurrence is no longer held by the bot';

/**
 * The review card's submit in one call, in two statements (issue 11, item 1): reads the card
 * (one statement: review-card.read.ts), asks the access rule (a coordinator of its district;
 * db/access), checks the answers against the one rule, saves the next version (one statement:
 * review-save.ts; audited, the coordinator review completed, every posted copy of the card
 * refreshed, the schedule it leaves returned). Returns everything the card needs, whatever the
 * outcome. Once the review is saved nothing else is read, so nothing can fail the call after it.
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
    /** The review policy and steps: a high grade opens follow-up tasks with their deadlines. */
    schedule: ScheduleConfig;
    /** NCHI_POLICY: under code-2023 an NCHI's review needs the threshold and personal-data decisions (required: no default to fail open). */
    nchiPolicy: NchiPolicy;
  },
): Promise<ReviewCardOutcome> {
  for (let attempt = 1; ; attempt++) {
    const card = await readReviewCard(conn, input.occurrenceId, input.repeat);
    if (!card) throw new NotFoundError(GONE);
    allow(canSubmitReview(input.reviewer, card.occurrence));
    const nchiDecision = card.occurrence.recordedAs === 'nchi' && input.nchiPolicy === 'code-2023';
    const checked = checkAnswers(input.checklist, input.answers, { nchiDecision });
    if (!checked.ok) return { status: 'invalid', issues: [...checked.issues], card };
    const outcome = await saveCheckedReview(conn, card.occurrence, checked.answers, input);
    // Moved to another district (or gone) between the read and the lock: ask the rule again.
    if (outcome === 'moved') {
      if (attempt < 2) continue;
      throw new NotFoundError(GONE);
    }
    if (outcome.status === 'stale') {
      // The card read already shows the review that made this one stale, unless another came in between.
      if (outcome.currentVersion === (card.review?.version ?? 0)) return { status: 'stale', card };
      return { status: 'stale', card: (await readReviewCard(conn, input.occurrenceId, input.repeat)) ?? card };
    }
    return {
      status: 'saved',
      queued: outcome.queued,
      card: { ...card, review: outcome.review, grades: withGrade(card.grades, outcome.review), schedule: outcome.schedule },
    };
  }
}

/** The review card of an occurrence (its current review and schedule, one statement), or null when the bot does not hold it. */
export function loadReviewCard(db: Db, occurrenceId: string, repeat: RepeatRule): Promise<ReviewCardData | null> {
  return readReviewCard(db, occurrenceId, repeat);
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

/** The grade history with a just-saved version added (it was not there when the card was read). */
const withGrade = (grades: ReviewCardData['grades'], r: Review): ReviewCardData['grades'] => [
  ...grades.filter((g) => g.version < r.version),
  { version: r.version, riskGrade: r.riskGrade, reviewerName: r.reviewerName, reviewedAt: r.reviewedAt },
];

/** Per repeat kind, the linked occurrences' references a viewer may see, and how many other occurrences there are. */
export type RepeatRefs = Record<LinkedOccurrence['role'], { refs: string[]; more: number }>;

/**
 * The references behind the card's repeat counts that `viewer` may see (issue 12 item 8): each
 * linked occurrence is named only when the one access rule (canSeeOccurrence) lets the viewer see
 * it; the rest, and those beyond the LINKED_MAX read, are a count. Pure.
 */
export function repeatRefsFor(card: ReviewCardData, viewer: Actor): RepeatRefs {
  const counts = card.occurrence.repeats;
  const of = (role: LinkedOccurrence['role']) => {
    const refs = card.linked.filter((l) => l.role === role && canSeeOccurrence(viewer, l).ok).map((l) => l.reference);
    return { refs, more: Math.max(0, counts[role] - refs.length) };
  };
  return { victim: of('victim'), suspect: of('suspect'), location: of('location') };
}

/** The review card as one viewer gets it: the data, whether they may submit, and the repeat references they may see. */
export interface ViewerReviewCard {
  card: ReviewCardData;
  /** The access rule's answer to "may this viewer submit the HCC review?" (a coordinator of its district). */
  submit: Decision;
  repeatRefs: RepeatRefs;
}

/**
 * The review card for one viewer (the card's Review button, `review <reference>`), in one
 * statement: nothing is returned before the access rule says they may see the occurrence.
 * @throws NotFoundError when the bot does not hold the occurrence
 * @throws ForbiddenError when the viewer may not see it (the OIC, its supervisor, a supervisor, coordinator or manager of its district)
 */
export async function reviewCardForViewer(db: Db, occurrenceId: string, viewer: Actor, repeat: RepeatRule): Promise<ViewerReviewCard> {
  const card = await readReviewCard(db, occurrenceId, repeat);
  if (!card) throw new NotFoundError(GONE);
  const o = card.occurrence;
  allow(canSeeOccurrence(viewer, { district: o.district, oicUpn: o.oic?.upn ?? null, supervisorUpn: o.supervisor?.upn ?? null }));
  return { card, submit: canSubmitReview(viewer, o), repeatRefs: repeatRefsFor(card, viewer) };
}

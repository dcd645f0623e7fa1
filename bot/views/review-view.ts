import type { Kysely } from 'kysely';
import type { AdaptiveCard } from '../../cards/card.js';
import { renderReviewCard, type ReviewCardView } from '../../cards/review.card.js';
import type { Database } from '../../db/schema.js';
import type { Config } from '../config.js';
import { repeatFlags, type OccurrenceDetail } from '../../db/occurrences/occurrences.service.js';
import { loadReviewCard, type ReviewCardData } from '../../db/reviews/review-card.service.js';
import {
  checklistLabel,
  DECISIONS,
  nchiWording,
  RISK_GRADES,
  type AnswersDraft,
  type ChecklistItem,
  type Review,
} from '../../db/reviews/reviews.service.js';
import { reviewTitle, type ScheduledReview } from '../../db/schedule/schedule.service.js';
import { outcomeText } from '../../db/schedule/prompts.service.js';
import { recordsUrl } from './records-link.js';

/**
 * How a review card is shown: with a banner, the user's own answers, as the form (`mode: 'form'`,
 * only for someone the access rule lets submit) or read-only with the Review button, and with
 * the repeat references its one viewer may see.
 */
export type CardExtra = Pick<ReviewCardView, 'banner' | 'draft' | 'mode' | 'nchiDecision' | 'offerReview' | 'repeatRefs' | 'grades'>;

/** Maps an occurrence and its current review onto the review card's view model. */
export function toReviewCardView(
  occ: OccurrenceDetail,
  review: Review | null,
  checklist: readonly ChecklistItem[],
  extra: CardExtra & { now?: Date; schedule?: readonly ScheduledReview[]; rmsUrlTemplate?: string | null } = {},
): ReviewCardView {
  const link = recordsUrl(extra.rmsUrlTemplate ?? null, occ.reference);
  const nchi = occ.recordedAs === 'nchi';
  return {
    occurrenceId: occ.id,
    reference: occ.reference,
    source: occ.source,
    recordedAs: occ.recordedAs,
    offence: occ.offence,
    strands: occ.strands,
    district: occ.district,
    locationType: occ.locationType,
    flaggedAt: occ.flaggedAt,
    oic: occ.oic,
    supervisor: occ.supervisor,
    status: occ.status,
    repeats: { ...occ.repeats, flagged: repeatFlags(occ.repeats) },
    checklist: checklist.map((i) => ({ key: i.key, label: checklistLabel(i, occ.recordedAs) })),
    review: review && {
      version: review.version,
      riskGrade: review.riskGrade,
      riskRationale: review.riskRationale,
      reviewerName: review.reviewerName,
      reviewedAt: review.reviewedAt,
      // Labels are saved with the review; one saved in crime terms still reads as an NCHI's.
      decisions: nchi ? review.decisions.map((d) => ({ ...d, itemLabel: nchiWording(d.itemLabel) })) : review.decisions,
      nchi: review.nchi,
    },
    ...(extra.banner ? { banner: extra.banner } : {}),
    ...(extra.mode ? { mode: extra.mode } : {}),
    ...(extra.nchiDecision ? { nchiDecision: true } : {}),
    ...(extra.offerReview ? { offerReview: true } : {}),
    ...(extra.repeatRefs ? { repeatRefs: extra.repeatRefs } : {}),
    ...(extra.grades ? { grades: extra.grades } : {}),
    ...(extra.draft ? { draft: extra.draft } : {}),
    ...(extra.schedule
      ? {
          schedule: extra.schedule.map((x) => ({
            ...x,
            title: reviewTitle(x, occ.recordedAs),
            outcome: outcomeText(x.outcome, x.service),
          })),
        }
      : {}),
    ...(extra.now ? { now: extra.now } : {}),
    ...(link ? { recordsUrl: link } : {}),
  };
}

type Draft = NonNullable<ReviewCardView['draft']>;

/** The answers as the user sent them, put back in the form (values the form cannot show are left empty). */
export function toDraft(a: AnswersDraft): Draft {
  const pick = <T extends string>(v: string | null, allowed: readonly T[]): T | null => (allowed.includes(v as T) ? (v as T) : null);
  return {
    decisions: Object.fromEntries(a.decisions.map((d) => [d.itemKey, { decision: pick(d.decision, DECISIONS), note: d.note }])),
    riskGrade: pick(a.riskGrade, RISK_GRADES),
    riskRationale: a.riskRationale,
    nchiThreshold: a.nchiThreshold ?? null,
    nchiSubjectRefs: a.nchiSubjectRefs ?? null,
  };
}

/**
 * Maps what the review service returned for the card (its occurrence, review and schedule) onto
 * the card's view model, with a banner and the user's own answers when the submit was not saved.
 */
export function toReviewCard(
  card: ReviewCardData,
  checklist: readonly ChecklistItem[],
  now: Date,
  rmsUrlTemplate: string | null,
  extra: Omit<CardExtra, 'grades'> = {},
): ReviewCardView {
  return toReviewCardView(card.occurrence, card.review, checklist, {
    ...extra,
    grades: card.grades,
    rmsUrlTemplate,
    schedule: card.schedule,
    now,
  });
}

/**
 * Renders the current review card of an occurrence as everyone may see it: read-only, repeat
 * counts without references, and the Review (Re-grade) button that gives the form only to those
 * allowed to submit. For the outbox (posts and in-place updates: a channel has many viewers) and
 * `review <reference>` outside a personal chat; null when the bot does not hold the occurrence.
 */
export async function renderCurrentCard(
  db: Kysely<Database>,
  occurrenceId: string,
  config: Pick<Config, 'repeat' | 'checklist' | 'rmsUrlTemplate'>,
  now: Date,
): Promise<AdaptiveCard | null> {
  const card = await loadReviewCard(db, occurrenceId, config.repeat);
  return card && renderReviewCard(toReviewCard(card, config.checklist, now, config.rmsUrlTemplate, { offerReview: true }));
}

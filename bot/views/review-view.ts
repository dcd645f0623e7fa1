import type { ReviewCardView } from '../../cards/review.card.js';
import type { OccurrenceDetail } from '../../db/occurrences/occurrences.service.js';
import type { ChecklistItem, Review } from '../../db/reviews/reviews.service.js';
import type { ScheduledReview } from '../../db/schedule/schedule.service.js';

/** Maps an occurrence and its current review onto the review card's view model. */
export function toReviewCardView(
  occ: OccurrenceDetail,
  review: Review | null,
  checklist: readonly ChecklistItem[],
  extra: Pick<ReviewCardView, 'banner' | 'draft' | 'now'> & { schedule?: readonly ScheduledReview[] } = {},
): ReviewCardView {
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
    repeats: occ.repeats,
    checklist: checklist.map((i) => ({ key: i.key, label: nchi ? (i.nchiLabel ?? i.label) : i.label })),
    review: review && {
      version: review.version,
      riskGrade: review.riskGrade,
      riskRationale: review.riskRationale,
      reviewerName: review.reviewerName,
      reviewedAt: review.reviewedAt,
      decisions: review.decisions,
    },
    ...(extra.banner ? { banner: extra.banner } : {}),
    ...(extra.draft ? { draft: extra.draft } : {}),
    ...(extra.schedule ? { schedule: extra.schedule } : {}),
    ...(extra.now ? { now: extra.now } : {}),
  };
}

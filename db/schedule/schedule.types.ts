import type { ReviewKind, ReviewPolicy } from './schedule.policy.js';
import { NCHI_REVIEW_TITLES, REVIEW_TITLES } from './schedule.policy.js';
import type { StepTiming } from './schedule.steps.js';
import type { ScheduledReviewRow } from './schedule.table.js';

/** Review scheduling settings (issue 3; defaults in docs/domain.md "Review cadence"). */
export interface ScheduleConfig {
  policy: ReviewPolicy;
  steps: StepTiming;
  /** Reviews due more than this many days before the bot first held the occurrence are not scheduled. */
  backfillDays: number;
}

/** A scheduled review as cards and commands show it. */
export interface ScheduledReview {
  id: string;
  occurrenceId: string;
  kind: ReviewKind;
  seq: number;
  title: string;
  ownerRole: string;
  dueAt: Date;
  status: 'pending' | 'done' | 'not_applicable' | 'cancelled';
  outcome: string | null;
  /** The support service a referral went to. */
  service: string | null;
  note: string | null;
  completedByName: string | null;
  completedAt: Date | null;
  snoozedUntil: Date | null;
  step: number;
}

/** A scheduled review's title as users see it, in NCHI terms for an NCHI; monthly reviews are numbered. */
export function reviewTitle(r: { kind: string; seq: number }, recordedAs: 'crime' | 'nchi' = 'crime'): string {
  const title = (recordedAs === 'nchi' ? NCHI_REVIEW_TITLES : REVIEW_TITLES)[r.kind as ReviewKind];
  return r.kind === 'monthly_review' ? `${title} (month ${r.seq})` : title;
}

/** A scheduled review row as cards and commands show it (crime titles; views re-title an NCHI's with `reviewTitle`). */
export const toReview = (r: ScheduledReviewRow): ScheduledReview => ({
  id: r.id,
  occurrenceId: r.occurrence_id,
  kind: r.kind as ReviewKind,
  seq: r.seq,
  title: reviewTitle(r),
  ownerRole: r.owner_role,
  dueAt: r.due_at,
  status: r.status,
  outcome: r.outcome,
  service: r.service,
  note: r.note,
  completedByName: r.completed_by_name,
  completedAt: r.completed_at,
  snoozedUntil: r.snoozed_until,
  step: r.step,
});

/** The step from which a prompt has gone past its owner (STEP_NAMES: 3 = escalate_supervisor). */
export const ESCALATED_STEP = 3;

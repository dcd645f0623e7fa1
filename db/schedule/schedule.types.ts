import type { ReviewKind, ReviewPolicy } from './schedule.policy.js';
import { REVIEW_TITLES } from './schedule.policy.js';
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
  note: string | null;
  completedByName: string | null;
  completedAt: Date | null;
  snoozedUntil: Date | null;
  step: number;
}

export const toReview = (r: ScheduledReviewRow): ScheduledReview => ({
  id: r.id,
  occurrenceId: r.occurrence_id,
  kind: r.kind as ReviewKind,
  seq: r.seq,
  title: r.kind === 'monthly_review' ? `${REVIEW_TITLES.monthly_review} (month ${r.seq})` : REVIEW_TITLES[r.kind as ReviewKind],
  ownerRole: r.owner_role,
  dueAt: r.due_at,
  status: r.status,
  outcome: r.outcome,
  note: r.note,
  completedByName: r.completed_by_name,
  completedAt: r.completed_at,
  snoozedUntil: r.snoozed_until,
  step: r.step,
});

/** The step from which a prompt has gone past its owner (STEP_NAMES: 3 = escalate_supervisor). */
export const ESCALATED_STEP = 3;

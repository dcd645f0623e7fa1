import type { ReviewKind, ReviewPolicy } from './schedule.policy.js';
import { NCHI_REVIEW_TITLES, REVIEW_TITLES } from './schedule.policy.js';
import type { StepTiming } from './schedule.steps.js';
import type { ScheduledReviewRow } from './schedule.table.js';
import { ukDateTime } from '../time/london-time.js';

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
  /** The investigation event a Victims' Code update is about; null for other kinds. */
  event: { type: string; at: Date } | null;
}

/** How an investigation event (db/occurrences EVENT_TYPES) is named in a review's title. */
const EVENT_LABELS: Record<string, string> = {
  arrest: 'arrest',
  interview: 'interview',
  charge_decision: 'charge decision',
  bail_change: 'bail change',
  no_further_action: 'decision to take no further action',
};

/**
 * A scheduled review's title as users see it, in NCHI terms for an NCHI; monthly reviews are
 * numbered; a Victims' Code update names its event, e.g. "… (arrest, Wed 2 Dec 2026, 14:00 GMT)".
 */
export function reviewTitle(
  r: { kind: string; seq: number; event?: { type: string; at: Date } | null },
  recordedAs: 'crime' | 'nchi' = 'crime',
): string {
  const title = (recordedAs === 'nchi' ? NCHI_REVIEW_TITLES : REVIEW_TITLES)[r.kind as ReviewKind];
  if (r.kind === 'monthly_review') return `${title} (month ${r.seq})`;
  if (r.event) return `${title} (${EVENT_LABELS[r.event.type] ?? r.event.type}, ${ukDateTime(r.event.at)})`;
  return title;
}

/** A scheduled review row as cards and commands show it (crime titles; views re-title an NCHI's with `reviewTitle`). */
export const toReview = (r: ScheduledReviewRow): ScheduledReview => {
  const event = r.event_type && r.event_at ? { type: r.event_type, at: r.event_at } : null;
  return {
    id: r.id,
    occurrenceId: r.occurrence_id,
    kind: r.kind as ReviewKind,
    seq: r.seq,
    title: reviewTitle({ kind: r.kind, seq: r.seq, event }),
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
    event,
  };
};

/** The step from which a prompt has gone past its owner (STEP_NAMES: 3 = escalate_supervisor). */
export const ESCALATED_STEP = 3;

import type { Kysely } from 'kysely';
import type { Actor } from '../access/access.policy.js';
import { repeatFlags, type OccurrenceDetail } from '../occurrences/occurrences.service.js';
import type { Database } from '../schema.js';
import { checklistLabel, type ChecklistItem, type ReviewAnswers } from './checklist.policy.js';
import type { Review } from './review-card.read.js';
import { saveReview } from './review-save.js';
import { followUpRows, gradeTasks } from '../schedule/follow-ups.service.js';
import type { ScheduleConfig, ScheduledReview } from '../schedule/schedule.service.js';

export type { Review } from './review-card.read.js';
export { nchiWording } from './nchi-wording.js';

export {
  checkAnswers,
  type AnswerIssue,
  type AnswersDraft,
  checklistFileSchema,
  checklistLabel,
  DECISIONS,
  DEFAULT_CHECKLIST,
  NOTE_MAX,
  RATIONALE_MAX,
  RISK_GRADES,
  type ChecklistItem,
  type Decision,
  type ReviewAnswers,
  type RiskGrade,
} from './checklist.policy.js';

/** Who submitted, for attribution and the audit log, with the roles and districts the access rule asks about. */
export interface Reviewer extends Pick<Actor, 'roles' | 'districts'> {
  userId: string | null;
  name: string;
  /** audit actor label, e.g. `user:<uuid>` */
  label: string;
}

export type SubmitOutcome = { status: 'saved'; review: Review; queued: number } | { status: 'stale'; current: Review | null };

/** The occurrence facts a save needs: its id, the district the access rule was asked about, and crime or NCHI (for the labels). */
export type SaveTarget = Pick<OccurrenceDetail, 'id' | 'district' | 'recordedAs' | 'repeats'>;

/** The follow-up tasks a grade opens (deadlines from the save's time) and those it closes. */
function taskRows(grade: string, repeats: SaveTarget['repeats'], now: Date, cfg: ScheduleConfig) {
  const t = gradeTasks(grade, repeatFlags(repeats).suspect);
  return { open: followUpRows(t.open, now, cfg), cancel: t.cancel };
}

/**
 * Saves answers that passed checkAnswers, for a reviewer the access rule allowed on `occ`, as the
 * next version (one statement: review-save.ts), or audits a stale attempt. The card refresh of
 * every posted copy is queued in the same statement (`queued` of them), which also returns the
 * schedule as it left it.
 * @returns `moved` when the occurrence is gone or moved district since it was read (nothing written: ask the rule again)
 */
export async function saveCheckedReview(
  conn: Kysely<Database>,
  occ: SaveTarget,
  answers: ReviewAnswers,
  input: { expectedVersion: number; checklist: readonly ChecklistItem[]; reviewer: Reviewer; now: Date; schedule: ScheduleConfig },
): Promise<
  { status: 'saved'; review: Review; queued: number; schedule: ScheduledReview[] } | { status: 'stale'; currentVersion: number } | 'moved'
> {
  const labels = new Map(input.checklist.map((i) => [i.key, checklistLabel(i, occ.recordedAs)]));
  const { reviewer, now } = input;
  const r = await saveReview(conn, {
    occurrenceId: occ.id,
    district: occ.district,
    expectedVersion: input.expectedVersion,
    answers,
    labels,
    reviewer: { userId: reviewer.userId, name: reviewer.name, label: reviewer.label },
    now,
    tasks: taskRows(answers.riskGrade, occ.repeats, now, input.schedule),
  });
  if (!r) return 'moved';
  if (!r.reviewId) return { status: 'stale', currentVersion: r.currentVersion };
  const review: Review = {
    id: r.reviewId,
    occurrenceId: occ.id,
    version: r.currentVersion + 1,
    riskGrade: answers.riskGrade,
    riskRationale: answers.riskRationale,
    reviewerName: reviewer.name,
    reviewerUserId: reviewer.userId,
    reviewedAt: now,
    decisions: answers.decisions.map((d) => ({
      itemKey: d.itemKey,
      itemLabel: labels.get(d.itemKey) ?? d.itemKey,
      decision: d.decision,
      note: d.note,
    })),
    nchi: answers.nchi ?? null,
  };
  return { status: 'saved', review, queued: r.queued, schedule: r.schedule };
}

import type { Kysely } from 'kysely';
import { allow, canSubmitReview, type Actor } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { queueCardRefresh } from '../occurrences/occurrences.service.js';
import type { Database, Db } from '../schema.js';
import { completeCoordinatorReview } from '../schedule/schedule.service.js';
import { withRetry } from '../transactions.js';
import { checkAnswers, type AnswersDraft, type ChecklistItem, type Decision, type RiskGrade } from './checklist.policy.js';

export {
  checkAnswers,
  type AnswerIssue,
  type AnswersDraft,
  checklistFileSchema,
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

/** A saved HCC review (one version; a re-grade is a new version). */
export interface Review {
  id: string;
  occurrenceId: string;
  version: number;
  riskGrade: RiskGrade;
  riskRationale: string | null;
  reviewerName: string;
  reviewerUserId: string | null;
  reviewedAt: Date;
  decisions: { itemKey: string; itemLabel: string; decision: Decision; note: string | null }[];
}

/** Latest review of an occurrence, or null when none has been made. */
export async function getCurrentReview(db: Db, occurrenceId: string): Promise<Review | null> {
  const r = await db
    .selectFrom('reviews')
    .selectAll()
    .where('occurrence_id', '=', occurrenceId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!r) return null;
  const decisions = await db.selectFrom('review_decisions').selectAll().where('review_id', '=', r.id).execute();
  return {
    id: r.id,
    occurrenceId: r.occurrence_id,
    version: r.version,
    riskGrade: r.risk_grade as RiskGrade,
    riskRationale: r.risk_rationale,
    reviewerName: r.reviewer_name,
    reviewerUserId: r.reviewer_user_id,
    reviewedAt: r.reviewed_at,
    decisions: decisions.map((d) => ({ itemKey: d.item_key, itemLabel: d.item_label, decision: d.decision as Decision, note: d.note })),
  };
}

/** Who submitted, for attribution and the audit log, with the roles and districts the access rule asks about. */
export interface Reviewer extends Pick<Actor, 'roles' | 'districts'> {
  userId: string | null;
  name: string;
  /** audit actor label, e.g. `user:<uuid>` */
  label: string;
}

export type SubmitOutcome = { status: 'saved'; review: Review } | { status: 'stale'; current: Review | null };

/**
 * Saves an HCC review as the next version, in one transaction with its audit entry, and queues
 * an in-place update of every posted copy of the card. `expectedVersion` is the version the
 * reviewer's card showed (0 for none): if someone saved first the submission is not saved, the
 * attempt is audited with its answers, and the current review is returned (`stale`), so nothing
 * is overwritten silently and nothing is lost.
 * @throws ValidationError when the answers break the checklist rules (nothing written)
 * @throws NotFoundError when the occurrence does not exist
 * @throws ForbiddenError unless the reviewer is a coordinator for the occurrence's district (db/access)
 */
export async function submitReview(
  conn: Kysely<Database>,
  input: {
    occurrenceId: string;
    expectedVersion: number;
    answers: AnswersDraft;
    checklist: readonly ChecklistItem[];
    reviewer: Reviewer;
    now: Date;
  },
): Promise<SubmitOutcome> {
  const checked = checkAnswers(input.checklist, input.answers);
  if (!checked.ok) throw new ValidationError('the review is incomplete', checked.issues);
  const answers = checked.answers;
  return withRetry(() =>
    conn.transaction().execute(async (trx) => {
      // Row lock: concurrent submits on one occurrence queue here, so exactly one sees each version.
      const occ = await trx
        .selectFrom('occurrences')
        .select(['id', 'reference', 'district', 'recorded_as'])
        .where('id', '=', input.occurrenceId)
        .forUpdate()
        .executeTakeFirst();
      if (!occ) throw new NotFoundError('that occurrence is no longer held by the bot');
      allow(canSubmitReview(input.reviewer, occ));
      const current = await getCurrentReview(trx, input.occurrenceId);
      const currentVersion = current?.version ?? 0;
      if (currentVersion !== input.expectedVersion) {
        await recordAudit(trx, {
          actor: input.reviewer.label,
          action: 'review.stale_rejected',
          entityType: 'occurrence',
          entityId: input.occurrenceId,
          details: { expectedVersion: input.expectedVersion, currentVersion, answers },
        });
        return { status: 'stale' as const, current };
      }
      const row = await trx
        .insertInto('reviews')
        .values({
          occurrence_id: input.occurrenceId,
          version: currentVersion + 1,
          risk_grade: answers.riskGrade,
          risk_rationale: answers.riskRationale,
          reviewer_user_id: input.reviewer.userId,
          reviewer_name: input.reviewer.name,
          reviewed_at: input.now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const labels = new Map(input.checklist.map((i) => [i.key, occ.recorded_as === 'nchi' ? (i.nchiLabel ?? i.label) : i.label]));
      await trx
        .insertInto('review_decisions')
        .values(
          answers.decisions.map((d) => ({
            review_id: row.id,
            item_key: d.itemKey,
            item_label: labels.get(d.itemKey) ?? d.itemKey,
            decision: d.decision,
            note: d.note,
          })),
        )
        .execute();
      await recordAudit(trx, {
        actor: input.reviewer.label,
        action: currentVersion === 0 ? 'review.submitted' : 'review.regraded',
        entityType: 'occurrence',
        entityId: input.occurrenceId,
        details: { reviewId: row.id, version: currentVersion + 1, previousGrade: current?.riskGrade ?? null, ...answers },
      });
      await completeCoordinatorReview(trx, input.occurrenceId, { userId: input.reviewer.userId, name: input.reviewer.name }, input.now);
      await queueCardRefresh(trx, [{ occurrenceId: input.occurrenceId, cause: `review:${row.id}` }], input.now);
      const saved: Review = {
        id: row.id,
        occurrenceId: input.occurrenceId,
        version: currentVersion + 1,
        riskGrade: answers.riskGrade,
        riskRationale: answers.riskRationale,
        reviewerName: input.reviewer.name,
        reviewerUserId: input.reviewer.userId,
        reviewedAt: input.now,
        decisions: answers.decisions.map((d) => ({
          itemKey: d.itemKey,
          itemLabel: labels.get(d.itemKey) ?? d.itemKey,
          decision: d.decision,
          note: d.note,
        })),
      };
      return { status: 'saved' as const, review: saved };
    }),
  );
}

import { sql, type RawBuilder } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import type { Db } from '../schema.js';
import { applyOffset, HIGH_RISK_TASKS, type ReviewKind } from './schedule.policy.js';
import { nextStepAt } from './schedule.steps.js';
import type { ScheduleConfig } from './schedule.types.js';

/**
 * Follow-up tasks (issue 12, item 3): reviews opened by what happened to an occurrence rather than
 * planned from its dates: the high-risk tasks a grade opens (docs/domain.md "Risk grading"; seed
 * 000, output 10) and the inspector's contact a dissatisfied closure opens (seed 001 §2.2). Each is
 * then prompted, chased and escalated like every scheduled review, and counted in compliance.
 */

/** One task to open: its kind, owner and deadline, and when the sweep first looks at it. */
export interface FollowUpRow {
  kind: ReviewKind;
  owner_role: string;
  due_at: string;
  next_step_at: string | null;
}

/**
 * The rows of the tasks `kinds` opened at `at`, by the policy (REVIEW_POLICY_FILE may change each
 * one's deadline and owner, or disable it). Pure. Times as ISO strings, ready for jsonb.
 */
export function followUpRows(kinds: readonly ReviewKind[], at: Date, cfg: ScheduleConfig): FollowUpRow[] {
  return kinds.flatMap((kind) => {
    const rule = cfg.policy[kind];
    if (!rule.enabled) return [];
    const due = applyOffset(at, rule.after);
    return [
      { kind, owner_role: rule.owner, due_at: due.toISOString(), next_step_at: nextStepAt(due, 0, null, cfg.steps)?.toISOString() ?? null },
    ];
  });
}

/**
 * The statement that opens follow-up tasks: inserts each (seq 0), and reinstates one that was
 * cancelled (a grade lowered, then raised again); a task already pending or answered is left as it
 * is, so pressing twice never opens two. Returns the rows it opened. Used inside the review save's
 * statement (db/reviews/review-save.ts, `when` its review was written) and by openFollowUps.
 */
export function openFollowUpsSql(occurrenceId: unknown, rows: unknown, now: Date, when: RawBuilder<boolean> = sql<boolean>`true`) {
  return sql`insert into scheduled_reviews (occurrence_id, kind, seq, owner_role, due_at, next_step_at)
      select ${occurrenceId}::uuid, t.kind, 0, t.owner_role, t.due_at, t.next_step_at
      from jsonb_to_recordset(${rows}::jsonb) as t(kind text, owner_role text, due_at timestamptz, next_step_at timestamptz)
      where ${when}
      on conflict (occurrence_id, kind, seq) do update
        set status = 'pending', due_at = excluded.due_at, next_step_at = excluded.next_step_at, step = 0, snoozed_until = null,
          outcome = null, note = null, service = null, completed_by = null, completed_by_name = null, completed_at = null,
          updated_at = ${now}::timestamptz
        where scheduled_reviews.status = 'cancelled'
      returning *`;
}

/**
 * The tasks a review's risk grade calls for (docs/domain.md "Risk grading"; seed 000, output 10):
 * high opens the MARAC referral decision and partner support, and for a repeat suspect (the repeat
 * rule, REPEAT_MIN_OCCURRENCES) the NPT's Problem Solving Occurrence; any lower grade closes those
 * still pending. Pure.
 */
export function gradeTasks(grade: string, repeatSuspect: boolean): { open: ReviewKind[]; cancel: ReviewKind[] } {
  if (grade !== 'high') return { open: [], cancel: [...HIGH_RISK_TASKS] };
  return { open: HIGH_RISK_TASKS.filter((k) => k !== 'pso_recorded' || repeatSuspect), cancel: [] };
}

/**
 * Opens follow-up tasks on an occurrence (in the caller's transaction), audited as
 * `schedule.added` with the reason. Nothing is written for a task already there.
 * @returns the kinds opened
 */
export async function openFollowUps(
  trx: Db,
  input: { occurrenceId: string; kinds: readonly ReviewKind[]; at: Date; cfg: ScheduleConfig; now: Date; actor: string; reason: string },
): Promise<string[]> {
  const rows = followUpRows(input.kinds, input.at, input.cfg);
  if (!rows.length) return [];
  const opened = (await openFollowUpsSql(input.occurrenceId, JSON.stringify(rows), input.now).execute(trx)).rows as {
    kind: string;
    due_at: Date;
  }[];
  const kinds = opened.map((r) => r.kind);
  if (kinds.length)
    await recordAudit(trx, {
      actor: input.actor,
      action: 'schedule.added',
      entityType: 'occurrence',
      entityId: input.occurrenceId,
      details: { reason: input.reason, reviews: opened.map((r) => ({ kind: r.kind, seq: 0, dueAt: r.due_at })) },
    });
  return kinds;
}

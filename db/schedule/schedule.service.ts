import type { Db } from '../schema.js';
import { recordAudit } from '../audit/audit.service.js';
import { eventFacts, type EventFacts } from '../occurrences/occurrence.events.js';
import type { OccurrenceRow } from '../occurrences/occurrences.table.js';
import { planReviews, TASK_KINDS, type PlanFrom, type ReviewKind } from './schedule.policy.js';
import { nextStepAt } from './schedule.steps.js';
import type { ScheduleConfig } from './schedule.types.js';

export {
  DEFAULT_REVIEW_POLICY,
  REVIEW_KINDS,
  REVIEW_TITLES,
  reviewPolicySchema,
  type ReviewKind,
  type ReviewPolicy,
} from './schedule.policy.js';
export { addWorkingDays, isWorkingDay } from './working-days.js';
export { reviewTitle } from './schedule.types.js';
export { snoozeUntil, type SnoozeChoice } from './schedule.steps.js';
export type { StepName, StepTiming } from './schedule.steps.js';
export type { ScheduleConfig, ScheduledReview } from './schedule.types.js';
export { ownerLabel, promptTargets } from './owner.policy.js';

/** The row of a newly planned review: pending, at step 0, its first step timed by the escalation steps. */
function newReviewRow(occurrenceId: string, p: ReturnType<typeof planReviews>[number], cfg: ScheduleConfig) {
  return {
    occurrence_id: occurrenceId,
    kind: p.kind,
    seq: p.seq,
    owner_role: p.ownerRole,
    due_at: p.dueAt,
    event_type: p.event?.type ?? null,
    event_at: p.event?.at ?? null,
    next_step_at: nextStepAt(p.dueAt, 0, null, cfg.steps),
    outcome: null,
    note: null,
    completed_by: null,
    completed_by_name: null,
    completed_at: null,
    snoozed_until: null,
  };
}

/**
 * The earliest review worth scheduling for something that happened at `happened` and that the bot
 * first held at `firstSeen` (README, REVIEW_BACKFILL_DAYS; issue 12, item 7): an occurrence (its
 * flag and first ingest), or an investigation event (its instant and first sight, so a feed that
 * starts sending the event history of old occurrences prompts nobody). Happened within the
 * backfill window before first seen: reviews due in that window or later (recent work is caught
 * up). Earlier (history): only reviews whose first step, the prompt `leadHours` before the
 * deadline, was still to come at first sight, so loading history never prompts or escalates
 * anyone; its future reviews run as usual. The planner leaves earlier reviews out altogether
 * (issue 11, item 3).
 */
function scheduledFrom(happened: Date, firstSeen: Date, cfg: ScheduleConfig): PlanFrom {
  const windowStart = firstSeen.getTime() - cfg.backfillDays * 86_400_000;
  if (happened.getTime() >= windowStart) return { after: new Date(windowStart), inclusive: true };
  return { after: new Date(firstSeen.getTime() + cfg.steps.leadHours * 3_600_000), inclusive: false };
}

/**
 * The reviews `occ` should have now (the policy, monthly ones up to a month ahead), from the
 * backfill cutoff on; `facts`: its investigation events and whether its victims are enhanced.
 */
function plannedFor(occ: OccurrenceRow, facts: EventFacts | undefined, cfg: ScheduleConfig, now: Date) {
  const horizon = new Date(now.getTime() + 31 * 86_400_000);
  return planReviews(
    {
      recordedAs: occ.recorded_as as 'crime' | 'nchi',
      status: occ.status as 'open' | 'filed' | 'closed',
      flaggedAt: occ.flagged_at,
      allocatedAt: occ.allocated_at,
      closedAt: occ.closed_at,
      victimSatisfied: occ.victim_satisfied,
      events: facts?.events.map((e) => ({ ...e, from: scheduledFrom(e.at, e.seenAt, cfg) })),
      enhanced: facts?.enhanced ?? true,
    },
    cfg.policy,
    horizon,
    scheduledFrom(occ.flagged_at, occ.created_at, cfg),
  );
}

/**
 * Brings an occurrence's review schedule in line with the policy after it was created or
 * updated through the feed (allocated, closed, reopened): adds missing reviews, moves pending
 * deadlines, cancels pending reviews that no longer apply (never a follow-up task: TASK_KINDS).
 * Every change is audited.
 */
export async function syncSchedule(trx: Db, occ: OccurrenceRow, cfg: ScheduleConfig, now: Date, actor: string): Promise<void> {
  const facts = occ.recorded_as === 'crime' ? (await eventFacts(trx, [occ.id])).get(occ.id) : undefined;
  const planned = plannedFor(occ, facts, cfg, now);
  const existing = await trx.selectFrom('scheduled_reviews').selectAll().where('occurrence_id', '=', occ.id).execute();
  const key = (k: string, s: number) => `${k}#${s}`;
  const byKey = new Map(existing.map((e) => [key(e.kind, e.seq), e]));
  const wanted = new Set(planned.map((p) => key(p.kind, p.seq)));
  const audits: Parameters<typeof recordAudit>[1][] = [];
  for (const p of planned) {
    const e = byKey.get(key(p.kind, p.seq));
    if (!e) {
      await trx
        .insertInto('scheduled_reviews')
        .values(newReviewRow(occ.id, p, cfg))
        .execute();
      audits.push({
        actor,
        action: 'schedule.added',
        entityType: 'occurrence',
        entityId: occ.id,
        details: { kind: p.kind, seq: p.seq, dueAt: p.dueAt.toISOString() },
      });
    } else if (e.status === 'cancelled' || (e.status === 'pending' && e.due_at.getTime() !== p.dueAt.getTime())) {
      await trx
        .updateTable('scheduled_reviews')
        .set({
          status: 'pending',
          due_at: p.dueAt,
          step: e.status === 'cancelled' ? 0 : e.step,
          next_step_at: nextStepAt(p.dueAt, e.status === 'cancelled' ? 0 : e.step, e.snoozed_until, cfg.steps),
          updated_at: now,
        })
        .where('id', '=', e.id)
        .execute();
      audits.push({
        actor,
        action: e.status === 'cancelled' ? 'schedule.reinstated' : 'schedule.rescheduled',
        entityType: 'occurrence',
        entityId: occ.id,
        details: { kind: p.kind, seq: p.seq, from: e.due_at.toISOString(), to: p.dueAt.toISOString() },
      });
    }
  }
  for (const e of existing) {
    // Follow-up tasks are opened by a grade or an answer, not planned from the feed's dates: kept.
    if (e.status === 'pending' && !wanted.has(key(e.kind, e.seq)) && !TASK_KINDS.includes(e.kind as ReviewKind)) {
      await trx
        .updateTable('scheduled_reviews')
        .set({ status: 'cancelled', next_step_at: null, updated_at: now })
        .where('id', '=', e.id)
        .execute();
      audits.push({
        actor,
        action: 'schedule.cancelled',
        entityType: 'occurrence',
        entityId: occ.id,
        details: { kind: e.kind, seq: e.seq, reason: `occurrence is ${occ.status}` },
      });
    }
  }
  await recordAudit(trx, ...audits);
}

/**
 * Schedules newly created occurrences set-wise (one insert for all their reviews, one audit entry
 * per occurrence); the same rules as syncSchedule for an occurrence with no schedule yet.
 */
export async function scheduleNewOccurrences(
  trx: Db,
  occs: readonly OccurrenceRow[],
  cfg: ScheduleConfig,
  now: Date,
  actor: string,
): Promise<void> {
  const rows = [];
  const audits: Parameters<typeof recordAudit>[1][] = [];
  const facts = await eventFacts(
    trx,
    occs.filter((o) => o.recorded_as === 'crime').map((o) => o.id),
  );
  for (const occ of occs) {
    const planned = plannedFor(occ, facts.get(occ.id), cfg, now);
    for (const p of planned) {
      rows.push(newReviewRow(occ.id, p, cfg));
    }
    if (planned.length)
      audits.push({
        actor,
        action: 'schedule.added',
        entityType: 'occurrence',
        entityId: occ.id,
        details: { reviews: planned.map((p) => ({ kind: p.kind, seq: p.seq, dueAt: p.dueAt.toISOString() })) },
      });
  }
  for (let i = 0; i < rows.length; i += 1000)
    await trx
      .insertInto('scheduled_reviews')
      .values(rows.slice(i, i + 1000))
      .execute();
  for (let i = 0; i < audits.length; i += 1000) await recordAudit(trx, ...audits.slice(i, i + 1000));
}

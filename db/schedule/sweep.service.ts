import type { Kysely } from 'kysely';
import { enqueueMessages, type OutboxMessage, type ReviewPromptPayload } from '../outbox/outbox.service.js';
import type { Database } from '../schema.js';
import { withRetry } from '../transactions.js';
import { syncSchedule } from './schedule.service.js';
import { promptTargets } from './schedule.recipients.js';
import { nextEvent, nextStepAt } from './schedule.steps.js';
import type { ScheduleConfig } from './schedule.types.js';

/**
 * One sweep round: claims scheduled reviews whose next step has come (FOR UPDATE SKIP LOCKED, so
 * replicas never take the same row), queues each step's messages in the outbox with a dedupe key
 * per review, step and recipient, and advances the step in the same transaction. A crash rolls
 * back both; a second replica finds the rows taken or already advanced. Cost follows the due count.
 * @returns how many reviews were processed
 */
export async function sweepDueReviews(conn: Kysely<Database>, cfg: ScheduleConfig, now: Date, limit = 200): Promise<number> {
  return withRetry(() =>
    conn.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('scheduled_reviews')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_step_at', '<=', now)
        .orderBy('next_step_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      if (due.length === 0) return 0;
      const occurrences = await trx
        .selectFrom('occurrences')
        .selectAll()
        .where('id', 'in', [...new Set(due.map((d) => d.occurrence_id))])
        .execute();
      const occById = new Map(occurrences.map((o) => [o.id, o]));
      const messages: OutboxMessage[] = [];
      for (const r of due) {
        const occ = occById.get(r.occurrence_id)!;
        const ev = nextEvent(r.due_at, r.step, r.snoozed_until, now, cfg.steps);
        if (ev) {
          for (const t of await promptTargets(trx, r, occ, ev.event)) {
            const payload: ReviewPromptPayload = {
              type: 'review_prompt',
              scheduledReviewId: r.id,
              step: ev.event,
              mode: 'post',
              unreachable: t.unreachable,
              district: occ.district,
            };
            messages.push({
              dedupeKey: `sr:${r.id}:${ev.event}:${ev.event === 'snoozed' ? r.snooze_count : 0}:${t.conversationId}`,
              conversationId: t.conversationId,
              payload,
            });
          }
        }
        const step = ev?.step ?? r.step;
        const snoozedUntil = ev?.clearSnooze ? null : r.snoozed_until;
        await trx
          .updateTable('scheduled_reviews')
          .set({ step, snoozed_until: snoozedUntil, next_step_at: nextStepAt(r.due_at, step, snoozedUntil, cfg.steps), updated_at: now })
          .where('id', '=', r.id)
          .execute();
        // A monthly review reaching its deadline plans the next month while the occurrence is open.
        if (r.kind === 'monthly_review' && step >= 2 && occ.status === 'open') await syncSchedule(trx, occ, cfg, now, 'system:sweep');
      }
      await enqueueMessages(trx, messages, now);
      return due.length;
    }),
  );
}

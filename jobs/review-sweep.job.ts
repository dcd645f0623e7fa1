import type { ScheduleConfig } from '../db/schedule/schedule.service.js';
import { sweepDueReviews } from '../db/schedule/sweep.service.js';
import type { JobContext } from './job.types.js';

/**
 * Queues every due review step (prompt, chase, escalations, snoozed prompts) into the outbox,
 * batch by batch until none is due. Safe on several replicas at once (SKIP LOCKED + dedupe keys).
 * @returns how many scheduled reviews were processed
 */
export async function runReviewSweep(ctx: JobContext, schedule: ScheduleConfig, batch = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sweepDueReviews(ctx.db, schedule, ctx.clock(), batch);
    total += n;
    if (n < batch) break;
  }
  if (total > 0) ctx.kickOutbox();
  return total;
}

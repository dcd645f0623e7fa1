import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ScheduleConfig } from '../db/schedule/schedule.service.js';
import { sweepDueReviews } from '../db/schedule/sweep.service.js';

export interface SweepJobDeps {
  db: Kysely<Database>;
  schedule: ScheduleConfig;
  clock: () => Date;
  /** Asks the outbox dispatcher to send what the sweep queued. */
  kickOutbox: () => void;
}

/**
 * Queues every due review step (prompt, chase, escalations, snoozed prompts) into the outbox,
 * batch by batch until none is due. Safe on several replicas at once (SKIP LOCKED + dedupe keys).
 * @returns how many scheduled reviews were processed
 */
export async function runReviewSweep(deps: SweepJobDeps, batch = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sweepDueReviews(deps.db, deps.schedule, deps.clock(), batch);
    total += n;
    if (n < batch) break;
  }
  if (total > 0) deps.kickOutbox();
  return total;
}

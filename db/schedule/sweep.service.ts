import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { withRetry } from '../transactions.js';
import { syncSchedule } from './schedule.service.js';
import { sweepBatch } from './sweep.repository.js';
import type { ScheduleConfig } from './schedule.types.js';

/**
 * One sweep round: claims scheduled reviews whose next step has come (FOR UPDATE SKIP LOCKED, so
 * replicas never take the same row), queues each step's messages in the outbox with a dedupe key
 * per review, step and recipient, and advances the step, all in ONE statement per batch
 * (sweep.repository.ts), in one transaction. A crash rolls back both; a second replica finds the
 * rows taken or already advanced. Cost follows the due count, not the table's size. A monthly
 * review reaching its deadline plans the next month (open occurrences) in the same transaction.
 * @returns how many reviews were processed
 */
export async function sweepDueReviews(conn: Kysely<Database>, cfg: ScheduleConfig, now: Date, limit = 200): Promise<number> {
  return withRetry(() =>
    conn.transaction().execute(async (trx) => {
      const batch = await sweepBatch(trx, cfg.steps, now, limit);
      if (batch.monthlyDue.length) {
        const occurrences = await trx.selectFrom('occurrences').selectAll().where('id', 'in', batch.monthlyDue).execute();
        for (const occ of occurrences) await syncSchedule(trx, occ, cfg, now, 'system:sweep');
      }
      return batch.processed;
    }),
  );
}

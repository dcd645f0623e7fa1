import { eraseDueRecords, type ErasureResult, type RetentionPeriods } from '../db/retention/retention.service.js';
import type { JobContext } from './job.types.js';

/** The retention job's own settings: RETENTION_CRON and the periods (bot/config.ts). */
export interface RetentionJobSettings {
  cron: string;
  periods: RetentionPeriods;
}

/**
 * One run of the daily retention job (issue 12 item 6): erases every record past its period at
 * the job's clock, audited per record as `job:retention`. Safe on several replicas (the service
 * takes an advisory lock per batch). Queues no messages.
 * @returns the per-type counts
 */
export async function runRetention(ctx: JobContext, periods: RetentionPeriods, batch?: number): Promise<ErasureResult> {
  return eraseDueRecords(ctx.db, periods, ctx.clock(), batch);
}

/** How many records a run erased, for the scheduler's log line. */
export const erasedCount = (r: ErasureResult): number => r.closedOccurrences + r.nchiSubjectRefs + r.personalChatPrompts + r.personalChats;

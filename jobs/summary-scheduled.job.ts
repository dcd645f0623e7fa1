import { queueMonthlySummaries, queueWeeklySummaries } from '../db/summary/scheduled-summaries.service.js';
import type { JobContext } from './job.types.js';

/** Queues last week's summary to each manager's personal chat (issue 5 item 4). @returns summaries queued */
export async function runWeeklySummaries(ctx: JobContext): Promise<number> {
  const n = await queueWeeklySummaries(ctx.db, ctx.clock());
  if (n > 0) ctx.kickOutbox();
  return n;
}

/** Queues last month's summary per district to the district's coordinators (issue 5 item 4). @returns summaries queued */
export async function runMonthlySummaries(ctx: JobContext): Promise<number> {
  const n = await queueMonthlySummaries(ctx.db, ctx.clock());
  if (n > 0) ctx.kickOutbox();
  return n;
}

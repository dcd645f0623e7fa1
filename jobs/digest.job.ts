import { queueDigests } from '../db/schedule/digest.service.js';
import type { JobContext } from './job.types.js';

/** Queues the weekday digest to each review channel (issue 3). @returns digests queued */
export async function runDigest(ctx: JobContext): Promise<number> {
  const n = await queueDigests(ctx.db, ctx.clock());
  if (n > 0) ctx.kickOutbox();
  return n;
}

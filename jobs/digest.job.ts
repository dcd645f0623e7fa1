import type { Kysely } from 'kysely';
import { renderDigestCard } from '../cards/digest.card.js';
import type { Database } from '../db/schema.js';
import { queueDigests } from '../db/schedule/digest.service.js';

/** Queues the weekday 08:00 digest to each review channel (issue 3). @returns digests queued */
export async function runDigest(deps: { db: Kysely<Database>; clock: () => Date; kickOutbox: () => void }): Promise<number> {
  const n = await queueDigests(deps.db, deps.clock(), (data, scope, now) => renderDigestCard({ ...data, scope, now }));
  if (n > 0) deps.kickOutbox();
  return n;
}

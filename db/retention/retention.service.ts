import { sql, type Kysely } from 'kysely';
import type { Database, Db } from '../schema.js';
import { withRetry } from '../transactions.js';
import { erasePersonalChatPrompts, eraseIdlePersonalChats } from './retention.chats.js';
import { eraseClosedOccurrences, eraseNchiSubjectRefs } from './retention.occurrences.js';
import { cutoffsAt, type RetentionCutoffs, type RetentionPeriods } from './retention.policy.js';

export { RETENTION_ACTOR } from './retention.audit.js';
export {
  DEFAULT_RETENTION,
  RETENTION_MINIMUM_DAYS,
  RETENTION_SETTINGS,
  type RetentionPeriods,
  type RetentionRecordType,
} from './retention.policy.js';

/** What one run erased, per record type; `busy`: another process was erasing, so this one stopped. */
export interface ErasureResult {
  closedOccurrences: number;
  nchiSubjectRefs: number;
  personalChatPrompts: number;
  personalChats: number;
  busy: boolean;
}

/** One batch of one record type: how many it claimed, and where the next batch may start (a flag time) if the step keeps a cursor. */
type Step = (
  trx: Db,
  c: RetentionCutoffs,
  p: RetentionPeriods,
  limit: number,
  from: Date | null,
) => Promise<{ count: number; next?: Date }>;
const counted = (count: number) => ({ count });

// Order matters: an erased occurrence takes its prompts and posts with it, and a chat is idle only
// once its completed prompts' posts are gone.
const STEPS: readonly [keyof Omit<ErasureResult, 'busy'>, Step][] = [
  ['closedOccurrences', async (trx, c, p, n) => counted(await eraseClosedOccurrences(trx, c.closedBefore, p, n))],
  ['nchiSubjectRefs', (trx, c, p, n, from) => eraseNchiSubjectRefs(trx, c.nchiFlaggedBefore, p, n, from)],
  ['personalChatPrompts', async (trx, c, p, n) => counted(await erasePersonalChatPrompts(trx, c.promptsCompletedBefore, p, n))],
  ['personalChats', async (trx, c, p, n) => counted(await eraseIdlePersonalChats(trx, c.promptsCompletedBefore, p, n))],
];

/**
 * Erases every record whose retention period (days of 24 hours, `periods`) has ended at `now`:
 * closed occurrences with everything hung on them, NCHI subject refs, personal chats' prompt
 * records and idle personal chats (docs/retention.md says what each means, table by table).
 *
 * Set-wise in batches of `batch` records, each its own short transaction, so no lock is held for
 * long and a crash loses at most one batch's work (rolled back, done next run). Batches are small
 * because each erasure's audit entry takes the audit chain's lock, which every audited write in
 * the bot waits for until the batch commits. Every erased record
 * gets one `record.erased` audit entry by `job:retention` in the same transaction. Two replicas:
 * each batch first takes a transaction-scoped advisory lock and stops the run if another process
 * holds it; rows are claimed FOR UPDATE SKIP LOCKED and counted from what each DELETE returned, so
 * nothing is erased or audited twice. The audit log itself is never touched.
 * @returns counts per record type
 */
export async function eraseDueRecords(db: Kysely<Database>, periods: RetentionPeriods, now: Date, batch = 100): Promise<ErasureResult> {
  const cutoffs = cutoffsAt(now, periods);
  const result: ErasureResult = { closedOccurrences: 0, nchiSubjectRefs: 0, personalChatPrompts: 0, personalChats: 0, busy: false };
  for (const [key, step] of STEPS) {
    let from: Date | null = null;
    for (;;) {
      const done = await withRetry(() =>
        db.transaction().execute(async (trx) => {
          const lock = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtext('hcc:retention')) as ok`.execute(trx);
          return lock.rows[0]?.ok ? step(trx, cutoffs, periods, batch, from) : null;
        }),
      );
      if (done === null) return { ...result, busy: true };
      result[key] += done.count;
      if (done.count < batch) break;
      from = done.next ?? null;
    }
  }
  return result;
}

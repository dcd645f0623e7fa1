/**
 * Issue 11 item 2 in `npm run bench` (part `outbox`): the outbox claim's cost against the history
 * of sent messages. Two fresh databases per backend: one holds 1,000 sent rows, the other
 * 1,000,000 (both also 100 pending rows due in an hour, and none due now, as between sweeps);
 * the dispatcher's claim (claimDue, batch of 32, FOR UPDATE SKIP LOCKED) runs on each in turn, so
 * the machine's load falls on both alike, and the ratio of the medians is the figure. The plan of
 * the claim on the large one (EXPLAIN ANALYZE) must read the partial indexes, never the table.
 *
 * Optional settings (environment):
 *   BENCH_OUTBOX_SENT          sent rows of the large outbox on PostgreSQL (default 1,000,000)
 *   BENCH_OUTBOX_PGLITE_SENT   the same on PGlite (default 1,000,000)
 *   BENCH_OUTBOX_CLAIMS        timed claims per database (default 200, after 20 unmeasured)
 */
import { sql, type Kysely } from 'kysely';
import { performance } from 'node:perf_hooks';
import { claimDue, claimDueQuery } from '../../db/outbox/outbox.service.js';
import type { Database } from '../../db/schema.js';
import {
  columnFailures,
  fmtInt,
  fmtMs,
  intEnv,
  perBackend,
  ratioGoal,
  table,
  type BenchContext,
  type Goal,
  type PartResult,
  type Row,
} from './common.js';
import { analyze } from './schedule-seed.js';
import { withFreshDatabase, type Backend } from './targets.js';
import { percentile } from './timing.js';

const SMALL = 1_000;
const LARGE = { postgres: intEnv('BENCH_OUTBOX_SENT', 1_000_000), pglite: intEnv('BENCH_OUTBOX_PGLITE_SENT', 1_000_000) };
const CLAIMS = intEnv('BENCH_OUTBOX_CLAIMS', 200);
const WARMUPS = 20;
/** The dispatcher's claim batch at its default concurrency (8 recipients, 4 messages each). */
const BATCH = 32;
const PENDING_LATER = 100;

interface Figures {
  small: number[];
  large: number[];
  largeRows: number;
  /** EXPLAIN ANALYZE of the claim on the large outbox, one line. */
  plan: string;
}

/** `sent` sent rows (spread over the last 90 days) and PENDING_LATER pending rows due in an hour. */
async function seed(db: Kysely<Database>, sent: number, now: Date): Promise<void> {
  await sql`
    insert into outbox (dedupe_key, kind, conversation_id, payload, status, attempts, next_attempt_at, created_at, sent_at, result_activity_id)
    select 'bench:sent:' || k, 'text', 'a:bench-conversation-' || (k % 2000), jsonb_build_object('type', 'text', 'text', 'sent ' || k),
      'sent', 1, t, t, t, 'bench-act-' || k
    from generate_series(1, ${sent}::int) k, lateral (select ${now}::timestamptz - (k % 7776000) * interval '1 second' as t) x`.execute(db);
  await sql`
    insert into outbox (dedupe_key, kind, conversation_id, payload, status, next_attempt_at)
    select 'bench:later:' || k, 'text', 'a:bench-conversation-' || k, jsonb_build_object('type', 'text', 'text', 'later ' || k),
      'pending', ${now}::timestamptz + interval '1 hour'
    from generate_series(1, ${PENDING_LATER}::int) k`.execute(db);
  await analyze(db, ['outbox']);
}

/** One claim that finds nothing due, ms. */
async function timeClaim(db: Kysely<Database>, now: Date): Promise<number> {
  const t0 = performance.now();
  const claimed = await claimDue(db, 'bench', now, BATCH);
  const ms = performance.now() - t0;
  if (claimed.length !== 0) throw new Error(`claim returned ${claimed.length} rows, expected none`);
  return ms;
}

/** EXPLAIN ANALYZE of the claim (nothing is due, so it changes nothing), one line of node names. */
async function planOf(db: Kysely<Database>, now: Date): Promise<string> {
  const res = await sql<{
    'QUERY PLAN': string;
  }>`explain (analyze, costs off, timing off, summary off) ${claimDueQuery('bench', now, BATCH, 120, 8)}`.execute(db);
  return res.rows
    .map((r) => r['QUERY PLAN'])
    .filter(
      (l) =>
        !/^\s*(Filter|Index Cond|Sort Key|Recheck Cond|Output|Sort Method|Heap Fetches|Index Searches|Buffers|Planning|Execution|Heap Blocks|Group Key|Batches|Window|Run Condition|Cache Key|Cache Mode)/.test(
          l,
        ),
    )
    .map((l) =>
      l
        .replace(/^\s*(->\s*)?/, '')
        .replace(/\(actual rows=([\d.]+) loops=\d+\)/, (_, n: string) => `(rows=${Number(n)})`)
        .trim(),
    )
    .join(' > ');
}

/** What the plan must show: both branches on their partial index, the outbox never read whole. */
function planProblem(plan: string): string | null {
  if (/Seq Scan on outbox/.test(plan)) return `the claim reads the whole outbox: ${plan}`;
  for (const index of ['outbox_pending_due_idx', 'outbox_sending_lease_idx'])
    if (!plan.includes(index)) return `the claim does not use ${index}: ${plan}`;
  return null;
}

async function runBackend(backend: Backend, f: Figures, step: <T>(what: string, work: () => Promise<T>) => Promise<T | undefined>) {
  f.largeRows = LARGE[backend.kind];
  const now = new Date();
  await withFreshDatabase(backend, (small) =>
    withFreshDatabase(backend, async (large) => {
      await step(`load ${fmtInt(SMALL)} and ${fmtInt(f.largeRows)} sent rows`, () =>
        Promise.all([seed(small, SMALL, now), seed(large, f.largeRows, now)]),
      );
      await step('claims', async () => {
        for (let i = 0; i < WARMUPS; i++) await Promise.all([timeClaim(small, now), timeClaim(large, now)]);
        // In turn, one after the other: the machine's load at any moment falls on both sizes alike.
        for (let i = 0; i < CLAIMS; i++) {
          f.small.push(await timeClaim(small, now));
          f.large.push(await timeClaim(large, now));
        }
      });
      await step('plan', async () => {
        f.plan = await planOf(large, now);
        const problem = planProblem(f.plan);
        if (problem) throw new Error(problem);
      });
    }),
  );
}

const p50 = (ms: readonly number[]) => percentile(ms, 50);

/** Issue 11 item 2: the claim with a million sent rows beside the same claim with a thousand. */
export async function outboxClaim(ctx: BenchContext): Promise<PartResult> {
  const columns = await perBackend<Figures>(
    ctx,
    'outbox claim',
    () => ({ small: [], large: [], largeRows: 0, plan: '' }),
    ({ backend, figures, step }) => runBackend(backend, figures, step),
  );
  const has = (f: Figures) => f.small.length > 0 && f.large.length > 0;
  const rows: Row<Figures>[] = [
    [
      `claim, none due, ${fmtInt(SMALL)} sent rows: p50 / p95`,
      (f) => (has(f) ? `${fmtMs(p50(f.small))} / ${fmtMs(percentile(f.small, 95))} ms` : undefined),
    ],
    ['claim, none due, large outbox: sent rows', (f) => (f.largeRows ? fmtInt(f.largeRows) : undefined)],
    ['  p50 / p95', (f) => (has(f) ? `${fmtMs(p50(f.large))} / ${fmtMs(percentile(f.large, 95))} ms` : undefined)],
    ['  p50 ratio, large / small', (f) => (has(f) ? `${(p50(f.large) / p50(f.small)).toFixed(2)}x` : undefined)],
  ];
  const goals: Goal[] = columns.flatMap((c) =>
    c.figures && has(c.figures)
      ? [
          ratioGoal({
            figure: `outbox claim, none due, ${fmtInt(c.figures.largeRows)} sent rows, p50`,
            backend: c.name,
            product: p50(c.figures.large),
            floor: p50(c.figures.small),
            unit: 'ms',
            floorIs: `the same claim at ${fmtInt(SMALL)} sent rows`,
            limit: 2,
          }),
        ]
      : [],
  );
  const notes = columns
    .filter((c) => c.figures?.plan)
    .map((c) => `${c.name}: ${c.phases.join(', ')}; claim plan on the large outbox (EXPLAIN ANALYZE): ${c.figures!.plan}`);
  if (ctx.postgresSkipped) notes.push(ctx.postgresSkipped);
  notes.push(
    `Two fresh databases per backend, one with ${fmtInt(SMALL)} sent rows and one with the large count (sent over the last 90 days to 2,000 conversations), each with ${PENDING_LATER} pending rows due in an hour and none due now; VACUUM ANALYZE after the load. ` +
      `The dispatcher's claim (claimDue: batch of ${BATCH}, at most 8 per conversation, FOR UPDATE SKIP LOCKED) runs ${CLAIMS} times on each, in turn, after ${WARMUPS} unmeasured; the goal compares the medians.`,
  );
  return { lines: [...table(columns, rows), '', ...notes], failures: columnFailures(columns), goals };
}

/**
 * The issue 3 part of `npm run bench`: the review sweep over a large schedule (schedule.ts) and
 * the delivery of prompts under Teams' rate limits (delivery.ts), per backend, and their table.
 *
 * Optional settings (environment):
 *   BENCH_SWEEP_ROWS                largest schedule on PostgreSQL (default 1,000,000; a tenth of it first)
 *   BENCH_SWEEP_PGLITE_ROWS         largest schedule on PGlite (default 100,000; a tenth of it first)
 *   BENCH_SWEEP_ROUNDS              rounds of 1,000 due reviews per size (default 5)
 *   BENCH_DELIVERY_MESSAGES         prompts to deliver on PostgreSQL (default 10,000)
 *   BENCH_DELIVERY_USERS            users they go to, in equal shares (default 2,000)
 *   BENCH_DELIVERY_PGLITE_MESSAGES  the same on PGlite (default 2,000)
 *   BENCH_DELIVERY_PGLITE_USERS     (default 400)
 */
import {
  columnFailures,
  fmtInt,
  fmtMs,
  fmtS,
  intEnv,
  perBackend,
  progress,
  table,
  type BackendRun,
  type BenchContext,
  ratioGoal,
  type Column,
  type Goal,
  type PartResult,
  type Row,
} from './common.js';
import { ConnectorProcess, deliveryBench, deliveryGoals, TEAMS_LIMITS, type DeliveryFigure, type DeliverySpec } from './delivery.js';
import { KINDS_TEXT } from './schedule-seed.js';
import { CLAIM_LIMIT, CLAIMS_PER_ROUND, DUE, floorP50, scheduleBench, sweepP50, type SweepStage } from './schedule.js';
import type { Backend } from './targets.js';
import { percentile } from './timing.js';

/**
 * PGlite's ceiling: at 1,000,000 scheduled reviews its WebAssembly engine ran out of memory and
 * crashed V8 on Node 24 (`Check failed: jit_page_->allocations_.erase(addr) == 1`); a larger
 * BENCH_SWEEP_PGLITE_ROWS is cut to this, and the notes say so.
 */
const PGLITE_MAX_ROWS = 200_000;
const PGLITE_ASKED = intEnv('BENCH_SWEEP_PGLITE_ROWS', 100_000);
const SIZES = {
  postgres: sizesFor(intEnv('BENCH_SWEEP_ROWS', 1_000_000)),
  pglite: sizesFor(Math.min(PGLITE_ASKED, PGLITE_MAX_ROWS)),
};
const ROUNDS = intEnv('BENCH_SWEEP_ROUNDS', 5);
const DELIVERY = {
  postgres: { messages: intEnv('BENCH_DELIVERY_MESSAGES', 10_000), users: intEnv('BENCH_DELIVERY_USERS', 2_000) },
  pglite: { messages: intEnv('BENCH_DELIVERY_PGLITE_MESSAGES', 2_000), users: intEnv('BENCH_DELIVERY_PGLITE_USERS', 400) },
};
const LIMITS = TEAMS_LIMITS;

/** A tenth of the largest size (rounded to whole rounds of due reviews), then the largest. */
function sizesFor(max: number): number[] {
  const small = Math.round(max / 10 / DUE) * DUE;
  return small >= DUE * 2 && small < max ? [small, max] : [max];
}

interface Figures {
  /** Table sizes this backend runs the sweep at. */
  sizes: number[];
  stages: SweepStage[];
  delivery?: DeliveryFigure;
}

/** Sweep and delivery figures on one backend (each failure recorded, the other still runs). */
async function runBackend(connector: ConnectorProcess, { backend, name, figures, step }: BackendRun<Figures>): Promise<void> {
  figures.sizes = SIZES[backend.kind];
  await step('sweep', () =>
    scheduleBench(backend, figures.sizes, ROUNDS, (stage) => {
      figures.stages.push(stage);
      progress(
        `issue 3 on ${name}: ${fmtInt(stage.total)} scheduled reviews loaded in ${fmtS(stage.seedMs)}, sweep p50 ${fmtMs(sweepP50(stage).ms)} ms`,
      );
    }),
  );
  const size = DELIVERY[backend.kind];
  // Generous: four times the time the limits allow, at least a minute.
  const spec: DeliverySpec = { ...size, limits: LIMITS, timeoutMs: Math.max(60_000, (size.messages / LIMITS.tenantPerSecond) * 4000) };
  await step('delivery', async () => {
    const f = (figures.delivery = await deliveryBench(backend, connector, spec));
    const notSent = f.spec.messages - (f.statuses.sent ?? 0);
    // Not a timing: every queued prompt must arrive exactly once, in its user's chat.
    if (notSent || f.missing || f.duplicates || f.unexpected) {
      throw new Error(
        `prompts lost or doubled: ${notSent} not sent, ${f.missing} never arrived, ${f.duplicates} doubled, ${f.unexpected} stray`,
      );
    }
  });
}

type Cell = (f: Figures) => string | undefined;

/** The cell of a sweep stage at `total`; `not run` when the backend does not run that size. */
const atSize =
  (total: number, f: (s: SweepStage) => string): Cell =>
  (c) => {
    const s = c.stages.find((x) => x.total === total);
    if (s) return f(s);
    return c.sizes.includes(total) ? undefined : 'not run';
  };

/** The fastest the limits allow for `messages`: the first second's quota at once, then the tenant rate. */
const idealMs = (messages: number) => (Math.max(0, messages - LIMITS.tenantPerSecond) / LIMITS.tenantPerSecond) * 1000;
const achieved = (f: DeliveryFigure) => ((f.statuses.sent ?? 0) / f.elapsedMs) * 1000;

function rows(): Row<Figures>[] {
  const allSizes = [...new Set([...SIZES.pglite, ...SIZES.postgres])].sort((a, b) => a - b);
  const out: Row<Figures>[] = [];
  for (const total of allSizes) {
    const t = fmtInt(total);
    out.push(
      [`schedule of ${t} reviews: set-wise load + VACUUM ANALYZE`, atSize(total, (s) => fmtS(s.seedMs))],
      [
        `review sweep, ${fmtInt(DUE)} due among ${t}: p50 of ${ROUNDS} rounds`,
        atSize(total, (s) => `${fmtMs(sweepP50(s).ms)} ms (${sweepP50(s).perReviewMs.toFixed(2)} ms/review)`),
      ],
      [
        `  floor: one statement per batch of ${CLAIM_LIMIT}, same due reviews, p50 (ratio)`,
        atSize(total, (s) => `${fmtMs(floorP50(s))} ms (${(sweepP50(s).ms / floorP50(s)).toFixed(2)}x)`),
      ],
      [
        '  slowest round / SQL statements per due review',
        atSize(total, (s) => `${fmtMs(Math.max(...s.sweepMs))} ms / ${(s.statements / Math.max(1, s.processed)).toFixed(2)}`),
      ],
      ['  processed / messages queued, all rounds', atSize(total, (s) => `${fmtInt(s.processed)} / ${fmtInt(s.queued)}`)],
      [
        `  bare claim query (${CLAIM_LIMIT} rows, index), p50 / p95`,
        atSize(total, (s) => `${fmtMs(percentile(s.claimMs, 50))} / ${fmtMs(percentile(s.claimMs, 95))} ms`),
      ],
    );
  }
  const d =
    (f: (d: DeliveryFigure) => string): Cell =>
    (c) =>
      c.delivery ? f(c.delivery) : undefined;
  out.push(
    ['delivery: prompts / users', d((f) => `${fmtInt(f.spec.messages)} / ${fmtInt(f.spec.users)}`)],
    ['  elapsed (least the limits allow)', d((f) => `${fmtS(f.elapsedMs)} (${fmtS(idealMs(f.spec.messages))})`)],
    [
      `  achieved rate / allowed (${LIMITS.tenantPerSecond}/s per tenant)`,
      d((f) => `${achieved(f).toFixed(1)}/s = ${Math.round((achieved(f) / LIMITS.tenantPerSecond) * 100)} %`),
    ],
    [
      '  429s answered (prompts hit / rescheduled by outbox)',
      d((f) => `${fmtInt(f.connector.throttled)} (${fmtInt(f.connector.throttledMessages)} / ${fmtInt(f.rescheduled)})`),
    ],
    [
      '  lost (not sent / never arrived) / doubled / stray',
      d(
        (f) =>
          `${fmtInt(f.spec.messages - (f.statuses.sent ?? 0))} / ${fmtInt(f.missing)} / ${fmtInt(f.duplicates)} / ${fmtInt(f.unexpected)}`,
      ),
    ],
    ['  most accepted in any 1 s (tenant)', d((f) => fmtInt(f.connector.peakTenantPerSecond))],
    ['  bot process CPU per prompt', d((f) => `${fmtMs(f.cpuMs / f.spec.messages)} ms`)],
  );
  return out;
}

function columnNote(col: Column<Figures>): string | null {
  const f = col.figures;
  if (!f) return null;
  const parts = [`${col.name}: ${col.phases.join(', ')}`];
  for (const s of f.stages) parts.push(`claim plan at ${fmtInt(s.total)} (EXPLAIN ANALYZE): ${s.plan}`);
  if (f.stages.length > 1) {
    const [a, b] = [f.stages[0]!, f.stages[f.stages.length - 1]!];
    parts.push(
      `sweep p50 at ${fmtInt(b.total)} / at ${fmtInt(a.total)} = ${(sweepP50(b).ms / sweepP50(a).ms).toFixed(2)} for ${fmtInt(b.total / a.total)} times the rows`,
    );
  }
  if (f.stages.some((s) => !s.fkSkipped)) parts.push('loaded with foreign-key checks (the role may not set session_replication_role)');
  const d = f.delivery;
  if (d) {
    const other = Object.entries(d.statuses).filter(([s]) => s !== 'sent');
    parts.push(
      `delivery: ${d.drains} drain() call(s), connector busy ${fmtS(d.connectorSpanMs)}, 429s by scope: chat ${d.connector.throttledBy.conversation} / tenant ${d.connector.throttledBy.tenant}, personal chats created ${d.connector.created}` +
        (other.length ? `, rows not sent: ${other.map(([s, n]) => `${s} ${n}`).join(', ')}` : ''),
    );
  }
  return parts.join('; ');
}

/** Issue 3: the review sweep's cost against the table size, and delivery under Teams' rate limits, per backend. */
export async function sweepDelivery(ctx: BenchContext): Promise<PartResult> {
  const notes: string[] = [];
  const connector = await ConnectorProcess.start(LIMITS);
  let columns: Column<Figures>[] = [];
  try {
    columns = await perBackend<Figures>(
      ctx,
      'issue 3',
      (): Figures => ({ sizes: [], stages: [] }),
      (run) => runBackend(connector, run),
    );
  } finally {
    await connector.close().catch((e: Error) => notes.push(`clean-up of the rate-limited connector failed: ${e.message}`));
  }
  for (const c of columns) {
    const n = columnNote(c);
    if (n) notes.push(n);
  }
  if (ctx.postgresSkipped) notes.push(ctx.postgresSkipped);
  const sizes = (k: Backend['kind']) => SIZES[k].map(fmtInt).join(' then ');
  if (PGLITE_ASKED > PGLITE_MAX_ROWS)
    notes.push(
      `PGlite: BENCH_SWEEP_PGLITE_ROWS=${fmtInt(PGLITE_ASKED)} cut to ${fmtInt(PGLITE_MAX_ROWS)} (at 1,000,000 its WebAssembly engine crashed V8 on Node 24 under memory pressure).`,
    );
  notes.push(
    `Sweep: one fresh database per backend, loaded with set-wise SQL (generate_series; ${sizes('postgres')} scheduled reviews on PostgreSQL, ${sizes('pglite')} on PGlite, whose single-threaded WebAssembly engine would take minutes to load 1,000,000), ` +
      `${KINDS_TEXT}, all pending and due 3 hours to 30 days ahead, every index of the migrations in place, VACUUM ANALYZE after each load. ` +
      `Each round makes ${fmtInt(DUE)} other reviews fall due (deadline 30-120 min ahead, so the prompt is next; spread over the table, each used once), times the bare claim query ${CLAIMS_PER_ROUND} times (in a committed transaction), then runReviewSweep with the real sweepDueReviews (claims of ${CLAIM_LIMIT}, FOR UPDATE SKIP LOCKED). ` +
      'Owners: 3,000 OICs (2,700 known in Teams, the rest unreachable so their prompts go to the review channel), 400 supervisors, 2 coordinators per district; each batch of ${CLAIM_LIMIT} due reviews is one statement (claim, owners, channel fallback, outbox rows, step), timed beside a hand-written floor statement over the same due reviews (the two in turn first). ' +
      'SQL statements counted through a Kysely plugin, BEGIN/COMMIT not included. The load skips foreign-key triggers (session_replication_role = replica) where the role allows; the measured sweeps run with them.',
    `Delivery: ${fmtInt(DELIVERY.postgres.messages)} prompts to ${fmtInt(DELIVERY.postgres.users)} users on PostgreSQL, ${fmtInt(DELIVERY.pglite.messages)} to ${fmtInt(DELIVERY.pglite.users)} on PGlite: at ${LIMITS.tenantPerSecond}/s the issue's 10,000 take over ${fmtS(idealMs(10_000))} whatever the database, so PGlite gets a fifth of it. ` +
      `Each user has a stored personal chat; the prompts (review_prompt chases, as the sweep queues them) are rendered at send time from the database, their posts and disclosures recorded. ` +
      `The bot's pacing is set to the limits the connector enforces (per chat ${LIMITS.conversationPerSecond}/s and ${LIMITS.conversationPer30s}/30 s, per tenant ${LIMITS.tenantPerSecond}/s) with OUTBOX_CONCURRENCY at its default; dispatcher.drain() runs until no row is pending, in real time. ` +
      `The connector (a child process) keeps sliding windows of accepted sends by arrival time and answers 429 with Retry-After in whole seconds (at least 1) past them; botbuilder retries a 429 itself up to 3 times, honouring Retry-After, before the outbox sees a failure. ` +
      '"achieved" is sent rows over the wall time from the first drain() to the last; "least the limits allow" sends the first second\'s quota at once, then the tenant rate. ' +
      "Lost: outbox rows not sent, and prompts that never arrived in their user's chat; doubled: extra copies accepted; stray: arrivals no queued prompt accounts for (e.g. in the wrong chat).",
  );
  const goals = [...sweepGoals(columns), ...deliveryGoals(columns.map((c) => ({ backend: c.name, figure: c.figures?.delivery })))];
  return { lines: [...table(columns, rows()), '', ...notes], failures: columnFailures(columns), goals };
}

/** Issue 11, item 4: the sweep at each backend's largest size within 2x of the one-statement floor of the same run. */
function sweepGoals(columns: readonly Column<Figures>[]): Goal[] {
  return columns.flatMap((c) => {
    const s = c.figures?.stages.at(-1);
    if (!s?.floorMs.length) return [];
    return [
      ratioGoal({
        figure: `review sweep, ${fmtInt(DUE)} due among ${fmtInt(s.total)}, p50`,
        backend: c.name,
        product: sweepP50(s).ms,
        floor: floorP50(s),
        unit: 'ms',
        floorIs: `one statement per batch of ${CLAIM_LIMIT}: claim, owner, channel fallback, outbox, step`,
        limit: 2,
      }),
    ];
  });
}

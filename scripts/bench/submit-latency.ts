/**
 * Part 2 of the ingest/submit bench: server-side and round-trip time of review submits
 * (Action.Execute `review.submit`) on the real bot, and of the same invokes answered by a bare
 * teams-ai Application (the framework's floor).
 */
import { PGlite } from '@electric-sql/pglite';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { RunningBot } from '../../bot/app.js';
import type { Database } from '../../db/schema.js';
import type { AdaptiveCard } from '../../cards/card.js';
import { VERBS } from '../../cards/verbs.js';
import type { FakeConnector } from '../../test/helpers/fake-connector.js';
import { intEnv } from './common.js';
import { FLOOR_VERB, startFloor } from './floor.js';
import type { RunResult, RunSpec, SubmitOutcome } from './invokes.js';
import type { LoadClient } from './load.js';
import type { ServerTimer } from './timing.js';

/** Measured submits (and floor invokes). */
export const SUBMITS = intEnv('BENCH_SUBMITS', 1_000);
/** Occurrences reviewed, round-robin. */
export const REVIEWED = 100;
/** Invokes in flight at once. */
export const CONCURRENCY = 10;
/** Unmeasured floor invokes first. */
export const FLOOR_WARMUP = 100;

/** Measured submits: latencies, what each submit came to, and whether the database holds as many reviews as were saved. */
export type SubmitFigure = LatencyFigure & {
  outcomes: Record<SubmitOutcome, number>;
  firstProblem: string | null;
  reviewsInDb: number;
  expectedReviews: number;
};

/** Latency of a measured run of invokes, and the CPU it took. */
export interface LatencyFigure {
  /** in-server time of each measured invoke, ms */
  server: number[];
  /** round-trip seen by the client process, ms */
  client: number[];
  wallMs: number;
  /** CPU used by this (the server's) process / by the client process during the measured run, ms */
  serverCpuMs: number;
  clientCpuMs: number;
}

/** The shared test rig of this part: load client, server timer and fake Bot Connector. */
export interface Rig {
  load: LoadClient;
  timer: ServerTimer;
  connector: FakeConnector;
}

/** Runs a warm-up and then the measured invokes through the load client; server samples of the measured ones only. */
export async function measureInvokes(
  rig: Rig,
  port: number,
  spec: Omit<RunSpec, 'count'>,
  warmup: number,
): Promise<{ measured: RunResult; server: number[]; serverCpuMs: number }> {
  const samples = rig.timer.watch(port, new URL(spec.url).pathname);
  try {
    const warm = await rig.load.run({ ...spec, count: warmup });
    if (warm.firstProblem) throw new Error(`warm-up invoke failed: ${warm.firstProblem}`);
    samples.reset();
    const cpu0 = process.cpuUsage();
    const measured = await rig.load.run({ ...spec, count: SUBMITS });
    const cpu = process.cpuUsage(cpu0);
    return { measured, server: [...samples.samples], serverCpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    rig.timer.unwatch(port);
  }
}

/** Reviews REVIEWED occurrences once (unmeasured), then measures SUBMITS re-grades; returns the last card the bot returned and the ids reviewed. */
export async function submitBench(bot: RunningBot, rig: Rig): Promise<{ figure: SubmitFigure; card: AdaptiveCard | null; ids: string[] }> {
  const rows = await bot.db.selectFrom('occurrences').select('id').orderBy('flagged_at').orderBy('id').execute();
  if (rows.length < REVIEWED) throw new Error(`only ${rows.length} occurrences to review`);
  const step = rows.length / REVIEWED;
  const ids = Array.from({ length: REVIEWED }, (_, i) => rows[Math.floor(i * step)]!.id);
  // Warm-up, not measured: the first review of each occurrence (the bot also learns the sender's UPN then).
  const { measured, server, serverCpuMs } = await measureInvokes(
    rig,
    bot.port,
    { url: `${bot.url}/api/messages`, serviceUrl: rig.connector.url, verb: VERBS.reviewSubmit, ids, concurrency: CONCURRENCY },
    ids.length,
  );
  const reviews = await bot.db
    .selectFrom('reviews')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return {
    figure: {
      server,
      client: measured.client,
      wallMs: measured.wallMs,
      serverCpuMs,
      clientCpuMs: measured.cpuMs,
      outcomes: measured.outcomes,
      firstProblem: measured.firstProblem,
      reviewsInDb: Number(reviews.n),
      expectedReviews: ids.length + measured.outcomes.saved,
    },
    card: measured.card,
    ids,
  };
}

/**
 * The same invokes against a bare teams-ai Application answering with `card`, after 1 read and 1
 * transaction (row lock, 3 inserts) on `db`, the bot's database, for the same occurrences `ids`.
 */
export async function floorBench(
  rig: Rig,
  card: AdaptiveCard,
  maxBodySize: number,
  db: Kysely<Database>,
  ids: string[],
): Promise<LatencyFigure> {
  const floor = await startFloor(card, maxBodySize, db);
  try {
    // Same invoke bodies (size and shape) as the review submits; only the verb differs.
    const { measured, server, serverCpuMs } = await measureInvokes(
      rig,
      floor.port,
      { url: `${floor.url}/api/messages`, serviceUrl: rig.connector.url, verb: FLOOR_VERB, ids, concurrency: CONCURRENCY },
      FLOOR_WARMUP,
    );
    if (measured.firstProblem) throw new Error(`floor handler: ${measured.firstProblem}`);
    return { server, client: measured.client, wallMs: measured.wallMs, serverCpuMs, clientCpuMs: measured.cpuMs };
  } finally {
    await floor.stop();
  }
}

/** Submits counted one at a time for the statements-per-submit figure. */
export const COUNTED = 20;

/**
 * Database round trips per submit: COUNTED submits one after another, every statement the
 * process sends counted where it leaves (pg's Client#query, PGlite#query and #exec), BEGIN and
 * COMMIT included. The bot runs no jobs; the outbox poller may add a claim now and then.
 */
export async function statementsPerSubmit(bot: RunningBot, rig: Rig, ids: string[]): Promise<number> {
  const counter = countStatements();
  try {
    for (let i = 0; i < COUNTED; i++) {
      const r = await rig.load.run({
        url: `${bot.url}/api/messages`,
        serviceUrl: rig.connector.url,
        verb: VERBS.reviewSubmit,
        ids: [ids[i % ids.length]!],
        count: 1,
        concurrency: 1,
      });
      if (r.firstProblem) throw new Error(`counted submit: ${r.firstProblem}`);
    }
    return counter.count() / COUNTED;
  } finally {
    counter.stop();
  }
}

/**
 * Counts statements sent by every pg client and PGlite instance of this process until stopped: pg's
 * Client#query, and on PGlite each Execute or simple Query message it runs (both query() and the
 * bot's kept statements, db/pglite-statements.ts, send their messages through execProtocolStream).
 */
function countStatements(): { count: () => number; stop: () => void } {
  let n = 0;
  const patched: [any, string, any][] = [];
  const wrap = (proto: any, name: string, counts: (args: unknown[]) => boolean) => {
    const original = proto[name];
    patched.push([proto, name, original]);
    proto[name] = function (this: unknown, ...args: unknown[]) {
      if (counts(args)) n++;
      return original.apply(this, args);
    };
  };
  wrap(pg.Client.prototype, 'query', () => true);
  // 'E' (Execute) and 'Q' (a simple query) are the first byte of the frontend messages that run a statement.
  wrap(PGlite.prototype, 'execProtocolStream', ([message]) => {
    const kind = (message as Uint8Array)[0];
    return kind === 0x45 || kind === 0x51;
  });
  return {
    count: () => n,
    stop: () => {
      for (const [proto, name, original] of patched) proto[name] = original;
    },
  };
}

/** The floor's static card when the bot returned none. */
export const MINIMAL_CARD: AdaptiveCard = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'ok' }] };

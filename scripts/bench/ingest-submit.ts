/**
 * The issue 2 part of `npm run bench`, side by side on embedded PGlite (in memory) and on
 * PostgreSQL (a throw-away database `hcc_bench_<random>`):
 *
 *   1. Occurrences ingested per second: 10,000 generated occurrences through POST /api/occurrences
 *      (real bot, batches of 500, one client) and through the import path (validateFeed +
 *      ingestOccurrences in batches of 1,000, as `npm run import -- occurrences` does), each on a
 *      fresh database.
 *   2. Server-side time of a checklist submit (Action.Execute `review.submit`): p50 / p95 of 1,000
 *      complete reviews at concurrency 10 on 100 of the ingested occurrences (after one unmeasured
 *      first review of each, so the measured ones are re-grades), against the real restify server
 *      and Teams adapter in local mode with a fake Bot Connector; beside it the framework's floor,
 *      a bare teams-ai Application answering the same invokes with a static card.
 *
 * In-server time is read from Node's HTTP diagnostics channels (the server's `request` event to
 * the response's `finish`); the round-trip is measured by a load client in a separate process
 * (load-client.ts), so it includes queueing but not the client's own CPU on the bot's loop.
 * Also shown: CPU of the bot process per submit, and the longest event-loop stall.
 * Optional: BENCH_OCCURRENCES (default 10000), BENCH_SUBMITS (default 1000) for a quicker run.
 */
import type { Kysely } from 'kysely';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startBot, type RunningBot } from '../../bot/app.js';
import { loadConfig, type Config } from '../../bot/config.js';
import type { AdaptiveCard } from '../../cards/card.js';
import { VERBS } from '../../cards/verbs.js';
import { ingestOccurrences, validateFeed } from '../../db/occurrences/occurrences.service.js';
import type { Database } from '../../db/schema.js';
import { FakeConnector } from '../../test/helpers/fake-connector.js';
import { generateOccurrences, type FeedOccurrence } from '../sample-data.lib.js';
import {
  columnFailures,
  fmtInt,
  fmtMs,
  fmtS,
  intEnv,
  perBackend,
  progress,
  silent,
  table,
  type BenchContext,
  type PartResult,
  type Row,
} from './common.js';
import { FLOOR_VERB, startFloor } from './floor.js';
import { coordinator, type RunResult, type RunSpec, type SubmitOutcome } from './invokes.js';
import { LoadClient } from './load.js';
import { withFreshDatabase } from './targets.js';
import { percentile, ServerTimer } from './timing.js';

const COUNT = intEnv('BENCH_OCCURRENCES', 10_000);
const SUBMITS = intEnv('BENCH_SUBMITS', 1_000);
const ENDPOINT_BATCH = 500;
const IMPORT_BATCH = 1_000;
const REVIEWED = 100;
const CONCURRENCY = 10;
const FLOOR_WARMUP = 100;
const SEED = 2;
const NOW = new Date('2026-11-20T09:00:00Z');
const KEY = 'bench-ingest-key-0123456789';

interface IngestFigure {
  ms: number;
  tally: Record<'created' | 'updated' | 'unchanged', number>;
}

type SubmitFigure = LatencyFigure & {
  outcomes: Record<SubmitOutcome, number>;
  firstProblem: string | null;
  reviewsInDb: number;
  expectedReviews: number;
};

interface LatencyFigure {
  /** in-server time of each measured invoke, ms */
  server: number[];
  /** round-trip seen by the client process, ms */
  client: number[];
  wallMs: number;
  /** CPU used by this (the server's) process / by the client process during the measured run, ms */
  serverCpuMs: number;
  clientCpuMs: number;
}

interface Figures {
  endpoint?: IngestFigure;
  importPath?: IngestFigure;
  submit?: SubmitFigure;
  floor?: LatencyFigure;
  /** Longest event-loop stall of the bot process (ms) during the endpoint ingest and during the submits. */
  stalls: { ingest?: number; submits?: number };
}

/** The shared test rig of this part: load client, server timer and fake Bot Connector. */
interface Rig {
  load: LoadClient;
  timer: ServerTimer;
  connector: FakeConnector;
}

/** Runs `work` and reports the longest event-loop stall (ms) seen meanwhile. */
async function withStallMonitor<T>(work: () => Promise<T>): Promise<{ value: T; maxStallMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  try {
    const value = await work();
    return { value, maxStallMs: h.max / 1e6 };
  } finally {
    h.disable();
  }
}

const newTally = (): IngestFigure['tally'] => ({ created: 0, updated: 0, unchanged: 0 });

function botConfig(databaseUrl: string | undefined): Config {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    INGEST_API_KEY: KEY,
    LOG_LEVEL: 'silent',
    PGLITE_DIR: ':memory:',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
}

async function ingestViaEndpoint(bot: RunningBot, occurrences: readonly FeedOccurrence[]): Promise<IngestFigure> {
  const bodies: string[] = [];
  for (let i = 0; i < occurrences.length; i += ENDPOINT_BATCH)
    bodies.push(JSON.stringify({ occurrences: occurrences.slice(i, i + ENDPOINT_BATCH) }));
  const tally = newTally();
  const t0 = performance.now();
  // One feed client posting its batches in sequence, as an RMS connector would.
  for (const body of bodies) {
    const res = await fetch(`${bot.url}/api/occurrences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body,
    });
    const json = (await res.json()) as { results?: { outcome: keyof IngestFigure['tally'] }[] };
    if (!json.results || (res.status !== 201 && res.status !== 200))
      throw new Error(`POST /api/occurrences answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
    for (const r of json.results) tally[r.outcome]++;
  }
  return { ms: performance.now() - t0, tally };
}

async function ingestViaImport(db: Kysely<Database>, config: Config, occurrences: readonly FeedOccurrence[]): Promise<IngestFigure> {
  const tally = newTally();
  const t0 = performance.now();
  // As scripts/import.ts: every line is validated first, then written in batches of 1,000.
  const valid = validateFeed(occurrences, config, (i) => [`line ${i + 1}`]);
  for (let i = 0; i < valid.length; i += IMPORT_BATCH) {
    const results = await ingestOccurrences(db, valid.slice(i, i + IMPORT_BATCH), config, 'system:import', new Date());
    for (const r of results) tally[r.outcome]++;
  }
  return { ms: performance.now() - t0, tally };
}

/** Runs a warm-up and then the measured invokes through the load client; server samples of the measured ones only. */
async function measureInvokes(
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

async function submitBench(bot: RunningBot, rig: Rig): Promise<{ figure: SubmitFigure; card: AdaptiveCard | null }> {
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
  };
}

async function floorBench(rig: Rig, card: AdaptiveCard, maxBodySize: number): Promise<LatencyFigure> {
  const floor = await startFloor(card, maxBodySize);
  try {
    // Same invoke bodies (size and shape) as the review submits; only the verb differs.
    const ids = Array.from({ length: REVIEWED }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
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

const MINIMAL_CARD: AdaptiveCard = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'ok' }] };

async function runRig(ctx: BenchContext, occurrences: readonly FeedOccurrence[], rig: Rig) {
  return perBackend<Figures>(
    ctx,
    'issue 2',
    () => ({ stalls: {} }),
    async ({ backend, figures: col, step }) => {
      // 1a + 2: the real bot on a fresh database: feed ingest, then review submits on it.
      let card: AdaptiveCard | null = null;
      let maxBody = 5 * 1024 * 1024;
      await step('bot (ingest + submits)', () =>
        withFreshDatabase(backend, async (db, target) => {
          const config = botConfig(target.databaseUrl);
          maxBody = config.ingestMaxBodyBytes;
          const bot = await startBot(config, { db, logger: silent });
          try {
            const ingest = await withStallMonitor(() => ingestViaEndpoint(bot, occurrences));
            col.endpoint = ingest.value;
            col.stalls.ingest = ingest.maxStallMs;
            const submits = await withStallMonitor(() => submitBench(bot, rig));
            col.stalls.submits = submits.maxStallMs;
            col.submit = submits.value.figure;
            card = submits.value.card;
          } finally {
            await bot.stop();
          }
        }),
      );
      // 2 (floor): no database; the saved review card as the static card, so the reply is as large.
      col.floor = await step('floor', () => floorBench(rig, card ?? MINIMAL_CARD, maxBody));
      // 1b: the import path on another fresh database.
      col.importPath = await step('import', () =>
        withFreshDatabase(backend, (db, target) => ingestViaImport(db, botConfig(target.databaseUrl), occurrences)),
      );
    },
  );
}

function rows(): Row<Figures>[] {
  const rate = (f: IngestFigure | undefined) => f && `${fmtInt((COUNT / f.ms) * 1000)} occ/s (${fmtS(f.ms)})`;
  const p5095 = (s: number[] | undefined) => s && `${fmtMs(percentile(s, 50))} / ${fmtMs(percentile(s, 95))} ms`;
  const n = fmtInt(COUNT);
  return [
    [`ingest via endpoint (${n}, batches ${fmtInt(ENDPOINT_BATCH)})`, (c) => rate(c.endpoint)],
    [`ingest via import (${n}, batches ${fmtInt(IMPORT_BATCH)})`, (c) => rate(c.importPath)],
    [`review submit p50 / p95 (${fmtInt(SUBMITS)}, conc ${CONCURRENCY}), in server`, (c) => p5095(c.submit?.server)],
    ['  same, round-trip from client process', (c) => p5095(c.submit?.client)],
    ['  throughput', (c) => c.submit && `${fmtInt((SUBMITS / c.submit.wallMs) * 1000)} submits/s`],
    ['  bot process CPU per submit', (c) => c.submit && `${fmtMs(c.submit.serverCpuMs / SUBMITS)} ms`],
    [
      '  saved / stale / refused+error',
      (c) => c.submit && `${c.submit.outcomes.saved} / ${c.submit.outcomes.stale} / ${c.submit.outcomes.refused + c.submit.outcomes.error}`,
    ],
    ['bare teams-ai handler p50 / p95 (floor), in server', (c) => p5095(c.floor?.server)],
    ['  same, round-trip from client process', (c) => p5095(c.floor?.client)],
    ['  throughput', (c) => c.floor && `${fmtInt((SUBMITS / c.floor.wallMs) * 1000)} invokes/s`],
    ['  server process CPU per invoke', (c) => c.floor && `${fmtMs(c.floor.serverCpuMs / SUBMITS)} ms`],
  ];
}

function columnNote(name: string, phases: readonly string[], col: Figures): string {
  const s = col.submit;
  const parts = [`${name}: ${phases.join(', ')}`];
  if (col.endpoint)
    parts.push(
      `endpoint ${col.endpoint.tally.created} created / ${col.endpoint.tally.updated} updated / ${col.endpoint.tally.unchanged} unchanged`,
    );
  if (col.stalls.ingest !== undefined)
    parts.push(
      `longest event-loop stall ${fmtMs(col.stalls.ingest)} ms during the endpoint ingest, ${fmtMs(col.stalls.submits ?? NaN)} ms during the submits`,
    );
  if (s) parts.push(`reviews in db ${s.reviewsInDb} (expected ${s.expectedReviews})`);
  if (s)
    parts.push(
      `client process CPU per invoke ${fmtMs(s.clientCpuMs / SUBMITS)} ms (submits), ${fmtMs((col.floor?.clientCpuMs ?? NaN) / SUBMITS)} ms (floor)`,
    );
  if (s?.firstProblem) parts.push(`first refused/failed submit: ${s.firstProblem}`);
  if (s && s.server.length !== SUBMITS) parts.push(`WARNING: ${s.server.length} server samples for ${SUBMITS} submits`);
  return parts.join('; ');
}

/** Issue 2: ingest rate and review-submit latency beside the framework's floor, per backend. */
export async function ingestSubmit(ctx: BenchContext): Promise<PartResult> {
  const tGen = performance.now();
  const occurrences = generateOccurrences({ count: COUNT, seed: SEED, now: NOW });
  progress(`${fmtInt(COUNT)} occurrences generated in ${fmtS(performance.now() - tGen)}`);
  const notes: string[] = [];
  const rig: Rig = { load: await LoadClient.start(), timer: new ServerTimer(), connector: new FakeConnector() };
  let columns: Awaited<ReturnType<typeof runRig>> = [];
  try {
    await rig.connector.start();
    // Teams answers the member look-up the bot makes the first time it meets a user.
    rig.connector.members.set(coordinator.id, {
      id: coordinator.id,
      name: coordinator.name,
      aadObjectId: coordinator.aadObjectId,
      userPrincipalName: 'alex.wilber@force.police.uk',
    });
    columns = await runRig(ctx, occurrences, rig);
  } finally {
    // A failed clean-up is reported below; it must not hide the figures.
    const cleanups: [string, () => Promise<void>][] = [
      ['load client', () => rig.load.close()],
      ['fake connector', () => rig.connector.stop()],
    ];
    for (const [what, close] of cleanups) await close().catch((e: Error) => notes.push(`clean-up of the ${what} failed: ${e.message}`));
    rig.timer.close();
  }
  for (const c of columns) if (c.figures) notes.push(columnNote(c.name, c.phases, c.figures));
  if (ctx.postgresSkipped) notes.push(ctx.postgresSkipped);
  notes.push(
    `"in server": from Node's http 'request' event (headers parsed) to the response's 'finish', read from diagnostics_channel (no hook in bot/). It leaves out time a request waits in its socket before the event loop reads it; ` +
      `"round-trip": seen by the load client, a separate forked process, on loopback with keep-alive, so queueing at concurrency ${CONCURRENCY} is included.`,
    `Submits: ${REVIEWED} occurrences spread over the ${fmtInt(COUNT)} ingested by the endpoint run; one unmeasured first review each, then ${fmtInt(SUBMITS)} measured re-grades round-robin, each with the expectedVersion of the card last returned. Outbox dispatcher running; no review channel subscribed.`,
    `Floor: bare teams-ai Application, one actionExecute handler returning a saved review card as its static card, same restify body parser, same invoke bodies, ${FLOOR_WARMUP} warm-up invokes.`,
  );
  return { lines: [...table(columns, rows()), '', ...notes], failures: columnFailures(columns) };
}

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
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startBot } from '../../bot/app.js';
import type { AdaptiveCard } from '../../cards/card.js';
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
  ratioGoal,
  silent,
  table,
  type BenchContext,
  type Goal,
  type PartResult,
  type Row,
} from './common.js';
import {
  botConfig,
  ENDPOINT_BATCH,
  IMPORT_BATCH,
  importBench,
  importGoals,
  ingestViaEndpoint,
  type ImportFigure,
  type IngestFigure,
} from './ingest-rate.js';
import { coordinator } from './invokes.js';
import { LoadClient } from './load.js';
import {
  CONCURRENCY,
  COUNTED,
  statementsPerSubmit,
  FLOOR_WARMUP,
  floorBench,
  MINIMAL_CARD,
  REVIEWED,
  submitBench,
  SUBMITS,
  type LatencyFigure,
  type Rig,
  type SubmitFigure,
} from './submit-latency.js';
import { memoryBench, type MemoryFigure } from './load-memory.js';
import { withFreshDatabase } from './targets.js';
import { percentile, ServerTimer } from './timing.js';

const COUNT = intEnv('BENCH_OCCURRENCES', 10_000);
const SEED = 2;
const NOW = new Date('2026-11-20T09:00:00Z');

interface Figures {
  endpoint?: IngestFigure;
  /** The import path beside a raw batched insert of the same rows (issue 11 item 3). */
  importPath?: ImportFigure;
  submit?: SubmitFigure;
  floor?: LatencyFigure;
  /** Statements sent to the database per submit (BEGIN and COMMIT count). */
  statements?: number;
  /** Highest RSS of the compiled bot and of a bare teams-ai bot under the submit load (PostgreSQL only). */
  memory?: MemoryFigure;
  /** Longest event-loop stall of the bot process (ms) during the endpoint ingest and during the submits. */
  stalls: { ingest?: number; submits?: number };
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

async function runRig(ctx: BenchContext, occurrences: readonly FeedOccurrence[], rig: Rig) {
  return perBackend<Figures>(
    ctx,
    'issue 2',
    () => ({ stalls: {} }),
    async ({ backend, figures: col, step }) => {
      // 1a + 2: the real bot on a fresh database (no cron jobs while measuring): feed ingest,
      // review submits on it, then the floor on the same database and occurrences.
      await step('bot (ingest + submits) and floor', () =>
        withFreshDatabase(backend, async (db, target) => {
          const config = botConfig(target.databaseUrl);
          const bot = await startBot(config, { db, logger: silent, jobs: false });
          let ids: string[] = [];
          let card: AdaptiveCard | null = null;
          try {
            const ingest = await withStallMonitor(() => ingestViaEndpoint(bot, occurrences));
            col.endpoint = ingest.value;
            col.stalls.ingest = ingest.maxStallMs;
            const submits = await withStallMonitor(() => submitBench(bot, rig));
            col.stalls.submits = submits.maxStallMs;
            col.submit = submits.value.figure;
            card = submits.value.card;
            ids = submits.value.ids;
            col.statements = await statementsPerSubmit(bot, rig, ids);
          } finally {
            await bot.stop();
          }
          // The saved review card as the static card, so the reply is as large.
          col.floor = await floorBench(rig, card ?? MINIMAL_CARD, config.ingestMaxBodyBytes, db, ids);
        }),
      );
      // Memory (issue 11, item 7): the compiled bot and a bare teams-ai bot in processes of their own, on PostgreSQL.
      if (backend.kind === 'postgres') col.memory = await step('memory', () => memoryBench(backend, rig, occurrences));
      // 1b: the import path on another fresh database, beside a raw batched insert of the same rows.
      col.importPath = await step('import', () => importBench(backend, occurrences));
    },
  );
}

function rows(): Row<Figures>[] {
  const rate = (f: IngestFigure | undefined) => f && `${fmtInt((COUNT / f.ms) * 1000)} occ/s (${fmtS(f.ms)})`;
  const p5095 = (s: number[] | undefined) => s && `${fmtMs(percentile(s, 50))} / ${fmtMs(percentile(s, 95))} ms`;
  const n = fmtInt(COUNT);
  return [
    [`ingest via endpoint (${n}, batches ${fmtInt(ENDPOINT_BATCH)})`, (c) => rate(c.endpoint)],
    [`ingest via import (${n}, batches ${fmtInt(IMPORT_BATCH)})`, (c) => rate(c.importPath?.import)],
    ['  raw batched insert of the same rows (floor)', (c) => c.importPath && fmtS(c.importPath.floorMs)],
    ['  longest event-loop stall during the import', (c) => c.importPath && `${fmtMs(c.importPath.maxStallMs)} ms`],
    [`review submit p50 / p95 (${fmtInt(SUBMITS)}, conc ${CONCURRENCY}), in server`, (c) => p5095(c.submit?.server)],
    ['  same, round-trip from client process', (c) => p5095(c.submit?.client)],
    ['  throughput', (c) => c.submit && `${fmtInt((SUBMITS / c.submit.wallMs) * 1000)} submits/s`],
    ['  bot process CPU per submit', (c) => c.submit && `${fmtMs(c.submit.serverCpuMs / SUBMITS)} ms`],
    [
      '  saved / stale / refused+error',
      (c) => c.submit && `${c.submit.outcomes.saved} / ${c.submit.outcomes.stale} / ${c.submit.outcomes.refused + c.submit.outcomes.error}`,
    ],
    ['  database statements per submit (one at a time)', (c) => c.statements?.toFixed(1)],
    ['floor: bare teams-ai handler + 1 read + 1 transaction, p50 / p95, in server', (c) => p5095(c.floor?.server)],
    ['  same, round-trip from client process', (c) => p5095(c.floor?.client)],
    [
      'RSS under the submit load: compiled bot / bare teams-ai bot',
      (c) => c.memory && `${fmtInt(c.memory.botMb)} / ${fmtInt(c.memory.bareMb)} MB`,
    ],
    ['  throughput', (c) => c.floor && `${fmtInt((SUBMITS / c.floor.wallMs) * 1000)} invokes/s`],
    ['  server process CPU per invoke', (c) => c.floor && `${fmtMs(c.floor.serverCpuMs / SUBMITS)} ms`],
  ];
}

const FLOOR_IS = 'bare teams-ai handler + 1 read + 1 transaction (row lock, 3 inserts)';

/** Issue 11 item 1: submit p95 within 2x of the floor, in at most 3 statements. */
function goals(columns: Awaited<ReturnType<typeof runRig>>): Goal[] {
  return columns.flatMap((c) => {
    const f = c.figures;
    if (!f) return [];
    const out: Goal[] = f.importPath ? importGoals(c.name, f.importPath, COUNT) : [];
    if (f.submit && f.floor)
      out.push(
        ratioGoal({
          figure: `review-card submit p95 at concurrency ${CONCURRENCY}, in server`,
          backend: c.name,
          product: percentile(f.submit.server, 95),
          floor: percentile(f.floor.server, 95),
          unit: 'ms',
          floorIs: FLOOR_IS,
          limit: 2,
        }),
      );
    if (f.memory)
      out.push(
        ratioGoal({
          figure: 'bot RSS under the submit load',
          backend: c.name,
          product: f.memory.botMb,
          floor: f.memory.bareMb + 100,
          unit: 'MB',
          floorIs: 'bare teams-ai bot + 100 MB',
          limit: 1,
        }),
      );
    if (f.statements !== undefined)
      out.push(
        ratioGoal({
          figure: 'database statements per submit',
          backend: c.name,
          product: f.statements,
          floor: 3,
          unit: '',
          floorIs: 'at most 3',
          limit: 1,
        }),
      );
    return out;
  });
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

/** The node flags the memory figure ran both processes with, followed by a space ('' when none). */
const memoryFlags = (columns: Awaited<ReturnType<typeof runRig>>): string =>
  columns
    .flatMap((c) => c.figures?.memory?.flags ?? [])
    .map((f) => `${f} `)
    .join('');

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
    `Floor: bare teams-ai Application, one actionExecute handler that reads the occurrence and runs 1 transaction (its row lock, inserts of a review, 8 decisions in one statement, an audit entry) on the bot's database for the same ${REVIEWED} occurrences, then returns a saved review card as its static card; same restify body parser, same invoke bodies, ${FLOOR_WARMUP} warm-up invokes. No cron jobs run in the bot while it is measured.`,
    `Memory: the bot compiled (tsc, as npm start runs it: node ${memoryFlags(columns)}dist/bot/main.js, no cron jobs; it first ingests the ${fmtInt(COUNT)} occurrences through its feed) and a bare teams-ai bot (the floor's handler, compiled, same node flags) each in a process of its own on a fresh PostgreSQL database, under ${fmtInt(SUBMITS)} invokes at concurrency ${CONCURRENCY}; the highest VmRSS read every 100 ms.`,
    `Statements per submit: ${COUNTED} submits one at a time after the measured run, counted at pg's Client#query and at each Execute or simple Query message PGlite runs (BEGIN and COMMIT count; the outbox poller may add one now and then).`,
  );
  return { lines: [...table(columns, rows()), '', ...notes], failures: columnFailures(columns), goals: goals(columns) };
}

/**
 * `npm run bench [-- <part>…]`: performance figures side by side on embedded PGlite (in memory)
 * and on PostgreSQL (a throw-away database `hcc_bench_<random>` per run on the server of
 * DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; the column is skipped when no
 * server answers). Each part prints its table and the notes that explain it as soon as it ends:
 *
 *   ingest-submit   ingest rate, and review-submit latency beside the framework's floor (bench/ingest-submit.ts)
 *   sweep-delivery  the review sweep over 1,000 due among 100,000 and 1,000,000 scheduled reviews, and
 *                   delivery of 10,000 prompts under Teams' rate limits (bench/sweep-delivery.ts)
 *   summary         `summary` over 1,000,000 occurrences in PostgreSQL and 100,000 in PGlite (bench/summary.ts)
 *   outbox          the outbox claim with 1,000,000 sent rows beside the same claim with 1,000 (bench/outbox-claim.ts)
 *
 * No part: all of them, in that order. A part that fails prints FAILED with the reason and the
 * exit code is 1; the other parts still run. Settings of each part are in its file.
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { fmtS, goalLines, progress, redact, SERVER_URL, type BenchContext, type Goal, type PartResult } from './bench/common.js';
import { ingestSubmit } from './bench/ingest-submit.js';
import { outboxClaim } from './bench/outbox-claim.js';
import { summary } from './bench/summary.js';
import { sweepDelivery } from './bench/sweep-delivery.js';
import { probePostgres } from './bench/targets.js';

const PARTS = {
  'ingest-submit': { title: 'Ingest and review submits', run: ingestSubmit },
  'sweep-delivery': { title: 'Review sweep and paced delivery', run: sweepDelivery },
  summary: { title: 'Status summaries', run: summary },
  outbox: { title: 'Outbox claim against its history', run: outboxClaim },
} satisfies Record<string, { title: string; run: (ctx: BenchContext) => Promise<PartResult> }>;

type PartName = keyof typeof PARTS;
const NAMES = Object.keys(PARTS) as [PartName, ...PartName[]];

const argsSchema = z.array(z.enum(NAMES)).refine((a) => new Set(a).size === a.length, 'a part is named twice');

const USAGE = `usage: npm run bench [-- ${NAMES.map((n) => `[${n}]`).join(' ')}]
  no part: all of them; otherwise only those named (in this order).`;

/** PGlite always; PostgreSQL when its server answers. */
async function context(): Promise<BenchContext> {
  const probe = await probePostgres(SERVER_URL);
  const backends: BenchContext['backends'] = [{ name: 'PGlite', backend: { kind: 'pglite' } }];
  if (probe.ok) backends.push({ name: 'PostgreSQL', backend: { kind: 'postgres', serverUrl: SERVER_URL } });
  return {
    backends,
    postgresSkipped: probe.ok ? null : `PostgreSQL column skipped: no server answered at ${redact(SERVER_URL)} (${probe.reason}).`,
  };
}

/** Runs one part and prints its lines, then its failures; true when it failed. Its goals are added to `goals`. */
async function runPart(name: PartName, ctx: BenchContext, goals: Goal[]): Promise<boolean> {
  const part = PARTS[name];
  const t0 = performance.now();
  let result: PartResult;
  try {
    result = await part.run(ctx);
  } catch (e) {
    result = { lines: [], failures: [(e as Error).stack ?? String(e)] };
  }
  console.log(`\n== ${part.title} (${name}, ${fmtS(performance.now() - t0)})\n`);
  for (const line of result.lines) console.log(line);
  for (const f of result.failures) console.log(`${name} FAILED: ${f}`);
  goals.push(...(result.goals ?? []));
  return result.failures.length > 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = argsSchema.safeParse(argv);
  if (!parsed.success) {
    console.error(`${parsed.error.issues.map((i) => i.message).join('; ')}\n${USAGE}`);
    return 2;
  }
  const started = performance.now();
  const ctx = await context();
  progress(ctx.postgresSkipped ?? `PostgreSQL at ${redact(SERVER_URL)}`);
  let failed = false;
  const goals: Goal[] = [];
  for (const name of NAMES.filter((n) => parsed.data.length === 0 || parsed.data.includes(n)))
    failed = (await runPart(name, ctx, goals)) || failed;
  if (goals.length) {
    const missed = goals.filter((g) => !g.met).length;
    console.log(`\n== Goals (issue 11): ${goals.length - missed} of ${goals.length} met\n`);
    for (const line of goalLines(goals)) console.log(line);
  }
  console.log(`\nTotal ${fmtS(performance.now() - started)}.`);
  return failed ? 1 : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  console.log(`bench failed: ${(e as Error).message}`);
  console.error(e);
  process.exitCode = 1;
}

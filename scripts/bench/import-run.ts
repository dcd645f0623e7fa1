/**
 * `tsx scripts/bench/import-run.ts`: issue 11 item 3 on its own — the import of BENCH_OCCURRENCES
 * (default 10,000) generated occurrences beside the raw batched insert of the same rows, on PGlite
 * and PostgreSQL (DATABASE_URL's server, when it answers), with the goals' table. No bot runs, so
 * no scheduled job competes with it. The ingest-submit part of `npm run bench` is meant to call
 * importBench and importGoals the same way.
 */
import { generateOccurrences } from '../sample-data.lib.js';
import { fmtMs, goalLines, intEnv, SERVER_URL, type Goal } from './common.js';
import { importBench, importGoals } from './ingest-rate.js';
import { probePostgres, type Backend } from './targets.js';

const COUNT = intEnv('BENCH_OCCURRENCES', 10_000);
const occurrences = generateOccurrences({ count: COUNT, seed: 2, now: new Date('2026-11-20T09:00:00Z') });
const backends: [string, Backend][] = [['PGlite', { kind: 'pglite' }]];
if ((await probePostgres(SERVER_URL)).ok) backends.push(['PostgreSQL', { kind: 'postgres', serverUrl: SERVER_URL }]);
const goals: Goal[] = [];
for (const [name, backend] of backends) {
  const f = await importBench(backend, occurrences);
  console.log(
    `${name}: import ${fmtMs(f.import.ms)} ms (${f.import.tally.created} created), floor ${fmtMs(f.floorMs)} ms, longest stall ${fmtMs(f.maxStallMs)} ms`,
  );
  goals.push(...importGoals(name, f, COUNT));
}
for (const line of goalLines(goals)) console.log(line);

/**
 * Part 1 of the ingest/submit bench: occurrences ingested per second through POST /api/occurrences
 * (real bot, one feed client posting batches in sequence) and through the import path.
 */
import type { Kysely } from 'kysely';
import { performance } from 'node:perf_hooks';
import type { RunningBot } from '../../bot/app.js';
import { loadConfig, type Config } from '../../bot/config.js';
import { ingestOccurrences, validateFeed } from '../../db/occurrences/occurrences.service.js';
import type { Database } from '../../db/schema.js';
import type { FeedOccurrence } from '../sample-data.lib.js';

/** Occurrences per POST /api/occurrences. */
export const ENDPOINT_BATCH = 500;
/** Occurrences per ingestOccurrences call on the import path, as `npm run import` does. */
export const IMPORT_BATCH = 1_000;
const KEY = 'bench-ingest-key-0123456789';

/** One ingest run: its duration (ms) and how many occurrences were created, updated or unchanged. */
export interface IngestFigure {
  ms: number;
  tally: Record<'created' | 'updated' | 'unchanged', number>;
}

const newTally = (): IngestFigure['tally'] => ({ created: 0, updated: 0, unchanged: 0 });

/** The bot's settings for a bench run: local mode on a free loopback port, silent, on `databaseUrl` or in-memory PGlite. */
export function botConfig(databaseUrl: string | undefined): Config {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    INGEST_API_KEY: KEY,
    LOG_LEVEL: 'silent',
    PGLITE_DIR: ':memory:',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
}

/** Posts `occurrences` to the running bot's feed endpoint in batches of ENDPOINT_BATCH. @throws Error on any answer but 200/201 */
export async function ingestViaEndpoint(bot: RunningBot, occurrences: readonly FeedOccurrence[]): Promise<IngestFigure> {
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

/** Validates `occurrences` and ingests them in batches of IMPORT_BATCH, as scripts/import.ts does. */
export async function ingestViaImport(db: Kysely<Database>, config: Config, occurrences: readonly FeedOccurrence[]): Promise<IngestFigure> {
  const tally = newTally();
  const t0 = performance.now();
  // As scripts/import.ts: every line is validated first, then written in batches of 1,000.
  const valid = validateFeed(occurrences, config, (i) => [`line ${i + 1}`], new Date());
  for (let i = 0; i < valid.length; i += IMPORT_BATCH) {
    const results = await ingestOccurrences(db, valid.slice(i, i + IMPORT_BATCH), config, 'system:import', new Date());
    for (const r of results) tally[r.outcome]++;
  }
  return { ms: performance.now() - t0, tally };
}

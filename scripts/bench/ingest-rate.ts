/**
 * Part 1 of the ingest/submit bench: occurrences ingested per second through POST /api/occurrences
 * (real bot, one feed client posting batches in sequence) and through the import path.
 */
import { sql, type Kysely } from 'kysely';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { RunningBot } from '../../bot/app.js';
import { loadConfig, type Config } from '../../bot/config.js';
import { contentHash, importOccurrences, toPeopleRows, toRow, validateFeed } from '../../db/occurrences/occurrences.service.js';
import type { Database } from '../../db/schema.js';
import type { FeedOccurrence } from '../sample-data.lib.js';
import { ratioGoal, type Goal } from './common.js';
import { withFreshDatabase, type Backend } from './targets.js';

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

/** Validates `occurrences` and ingests them as `npm run import -- occurrences` does (importOccurrences, batches of IMPORT_BATCH). */
export async function ingestViaImport(db: Kysely<Database>, config: Config, occurrences: readonly FeedOccurrence[]): Promise<IngestFigure> {
  const tally = newTally();
  const t0 = performance.now();
  await importOccurrences(db, occurrences, config, { actor: 'system:import', batch: IMPORT_BATCH, clock: () => new Date() }, (results) => {
    for (const r of results) tally[r.outcome]++;
  });
  return { ms: performance.now() - t0, tally };
}

/** The import beside its floor, on one fresh database: ms each, and the longest event-loop stall during the import. */
export interface ImportFigure {
  import: IngestFigure;
  /** The raw batched insert of the same occurrence and people rows (batches of IMPORT_BATCH), ms. */
  floorMs: number;
  /** Occurrence and people rows the floor inserted. */
  floorRows: number;
  /** Longest event-loop stall (ms) seen while the import ran. */
  maxStallMs: number;
}

/**
 * The floor of an import (issue 11, item 3): the same occurrence and people rows, built beforehand,
 * inserted in batches of IMPORT_BATCH with plain multi-row INSERTs in one transaction (no
 * validation, schedule, audit or cards). @returns ms and the rows written
 */
async function rawBatchedInsert(db: Kysely<Database>, occurrences: readonly FeedOccurrence[]): Promise<{ ms: number; rows: number }> {
  const valid = validateFeed(occurrences, botConfig(undefined), (i) => [i], new Date());
  const rows = valid.map((o) => ({ o, row: toRow(o, contentHash(o)) }));
  const t0 = performance.now();
  let n = 0;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += IMPORT_BATCH) {
      const chunk = rows.slice(i, i + IMPORT_BATCH);
      const now = new Date();
      const ids = await trx
        .insertInto('occurrences')
        .values(chunk.map((c) => ({ ...c.row, closed_at: null, created_at: now, updated_at: now })))
        .returning('id')
        .execute();
      const people = chunk.flatMap((c, k) => toPeopleRows(ids[k]!.id, c.o));
      for (let p = 0; p < people.length; p += IMPORT_BATCH)
        await trx
          .insertInto('occurrence_people')
          .values(people.slice(p, p + IMPORT_BATCH))
          .execute();
      n += chunk.length + people.length;
    }
  });
  return { ms: performance.now() - t0, rows: n };
}

/**
 * Import and floor on one fresh database of the backend: the floor first (then the tables are
 * emptied and vacuumed), then the import of the same occurrences with an event-loop monitor on.
 */
export async function importBench(backend: Backend, occurrences: readonly FeedOccurrence[]): Promise<ImportFigure> {
  return withFreshDatabase(backend, async (db, target) => {
    const floor = await rawBatchedInsert(db, occurrences);
    await sql`truncate occurrences, occurrence_people cascade`.execute(db);
    for (const t of ['occurrences', 'occurrence_people']) await sql`vacuum (analyze) ${sql.table(t)}`.execute(db);
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    try {
      const figure = await ingestViaImport(db, botConfig(target.databaseUrl), occurrences);
      return { import: figure, floorMs: floor.ms, floorRows: floor.rows, maxStallMs: h.max / 1e6 };
    } finally {
      h.disable();
    }
  });
}

/**
 * Issue 11, item 3, as goals: the import within 10x of the raw batched insert of the same rows,
 * and on PostgreSQL no event-loop stall over 50 ms while it runs (PGlite runs its SQL on the event
 * loop itself, so its stall is shown but has no goal).
 */
export function importGoals(backend: string, f: ImportFigure, count: number): Goal[] {
  const goals = [
    ratioGoal({
      figure: `import of ${count.toLocaleString('en-GB')} occurrences`,
      backend,
      product: f.import.ms,
      floor: f.floorMs,
      unit: 'ms',
      floorIs: `raw batched insert of the same ${f.floorRows.toLocaleString('en-GB')} occurrence and people rows`,
      limit: 10,
    }),
  ];
  if (backend === 'PostgreSQL')
    goals.push(
      ratioGoal({
        figure: 'longest event-loop stall during the import',
        backend,
        product: f.maxStallMs,
        floor: 50,
        unit: 'ms',
        floorIs: 'the 50 ms bound',
        limit: 1,
      }),
    );
  return goals;
}

/**
 * Issue 3 sweep figures of `npm run bench`: how long the review sweep takes over 1,000 due
 * scheduled reviews when the table holds N in all (two or more sizes), beside the bare claim query.
 *
 * One fresh database per backend, grown size by size with set-wise SQL (schedule-seed.ts): open
 * occurrences and their pending scheduled reviews, all due 3 hours to 30 days ahead, owners on
 * the roster (3,000 OICs of whom 2,700 are known in Teams, 400 supervisors, 2 coordinators per
 * district) and one review channel for every district. Each round makes 1,000 other reviews fall
 * due (spread over the table, never the same row twice, so every outbox insert is new), times the
 * claim query alone, and times runReviewSweep (jobs/review-sweep.job.ts → sweepDueReviews, batches
 * of 200 as in production) over them: claim, owner look-ups, the step's update and outbox rows.
 */
import {
  sql,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../bot/config.js';
import type { ScheduleConfig } from '../../db/schedule/schedule.service.js';
import type { Database } from '../../db/schema.js';
import { runReviewSweep } from '../../jobs/review-sweep.job.js';
import {
  analyze,
  bulkLoad,
  DISTRICTS,
  PER_OCCURRENCE,
  reviewUuidSql,
  seedReviewChannel,
  seedSchedule,
  seedUsers,
  type Sql,
} from './schedule-seed.js';
import { withFreshDatabase, type Backend } from './targets.js';
import { percentile } from './timing.js';

/** Due reviews per round, as the issue asks. */
export const DUE = 1_000;
/** Claim batch of the production sweep (runReviewSweep's default). */
export const CLAIM_LIMIT = 200;
/** Times the claim query alone runs per round. */
export const CLAIMS_PER_ROUND = 3;
const OICS = 3_000;
const KNOWN_OICS = 2_700;
const SUPERVISORS = 400;
const COORDINATORS_PER_DISTRICT = 2;

/** The sweep at one table size. */
export interface SweepStage {
  /** Scheduled reviews in the table while this stage ran. */
  total: number;
  /** Time to grow the table to `total` (inserts, then VACUUM ANALYZE), ms. */
  seedMs: number;
  /** Whether the load ran without foreign-key checks. */
  fkSkipped: boolean;
  /** runReviewSweep over DUE due reviews, ms, one per round. */
  sweepMs: number[];
  /** The claim query alone (limit 200, FOR UPDATE SKIP LOCKED, in a transaction), ms. */
  claimMs: number[];
  /** The floor over the same DUE due reviews: one hand-written statement per batch of 200 (floorSweep), ms, one per round. */
  floorMs: number[];
  /** Reviews the sweep processed / messages it queued / SQL statements it ran (not BEGIN/COMMIT), over all rounds. */
  processed: number;
  queued: number;
  statements: number;
  /** EXPLAIN ANALYZE of the claim query in the first round, node by node. */
  plan: string;
}

/**
 * Picks DUE review numbers below `total` that no earlier round used, spread evenly over the table
 * and over the kinds in turn (review n is kind n % PER_OCCURRENCE), and marks them used.
 */
function pickDue(total: number, round: number, used: Set<number>): number[] {
  const stride = total / DUE;
  const phase = (round * 0.6180339887) % 1;
  const picked: number[] = [];
  for (let k = 0; k < DUE; k++) {
    const near = Math.floor((k + phase) * stride);
    let i = near - (near % PER_OCCURRENCE) + (k % PER_OCCURRENCE);
    while (used.has(i)) i = (i + PER_OCCURRENCE) % total;
    used.add(i);
    picked.push(i);
  }
  return picked;
}

/** Makes the given reviews fall due: deadline 30 to 120 minutes ahead, so the next step (the prompt, 2 hours before) has come. */
async function makeDue(db: Kysely<Database>, numbers: readonly number[], now: Date): Promise<void> {
  const res = await sql`
    update scheduled_reviews r
    set step = 0, snoozed_until = null, status = 'pending',
        due_at = ${now}::timestamptz + interval '1 minute' * (30 + d.k % 90),
        next_step_at = ${now}::timestamptz + interval '1 minute' * (30 + d.k % 90 - 120),
        updated_at = ${now}
    from (select k, ${reviewUuidSql(sql`n`)} as id from unnest(${sql.raw(`array[${numbers.join(',')}]`)}::int[]) with ordinality as u(n, k)) d
    where r.id = d.id`.execute(db);
  if (Number(res.numAffectedRows) !== numbers.length)
    throw new Error(`made ${String(res.numAffectedRows)} reviews due, expected ${numbers.length}`);
}

/** The sweep's claim, as sweepDueReviews builds it, as bare SQL. */
const claimQuery = (now: Date) =>
  sql`select * from scheduled_reviews where status = 'pending' and next_step_at <= ${now} order by next_step_at limit ${sql.lit(CLAIM_LIMIT)} for update skip locked`;

/** The claim query alone, inside a transaction (committed: it changes nothing), ms. */
async function timeClaim(db: Kysely<Database>, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const t0 = performance.now();
    const rows = await claimQuery(now).execute(trx);
    const ms = performance.now() - t0;
    if (rows.rows.length !== CLAIM_LIMIT) throw new Error(`claim query returned ${rows.rows.length} rows, expected ${CLAIM_LIMIT}`);
    return ms;
  });
}

/**
 * The floor of a sweep batch (issue 11, item 4): ONE hand-written statement that claims 200 due
 * reviews (FOR UPDATE SKIP LOCKED), looks up each owner by UPN among users known in Teams, falls
 * back to the district's review channels, queues one outbox row per recipient and advances the
 * step. What the product's statement adds: the escalation steps' rules (snoozes, which step comes
 * next and when), the coordinators as owners, and the monthly review's follow-up.
 */
const floorBatch = (now: Date) => sql<{ n: number }>`
  with claimed as (
    select id, occurrence_id, owner_role, due_at from scheduled_reviews
    where status = 'pending' and next_step_at <= ${now} order by next_step_at limit ${sql.lit(CLAIM_LIMIT)} for update skip locked),
  owners as (
    select c.id, o.district, u.id as user_id from claimed c join occurrences o on o.id = c.occurrence_id
    left join users u on u.teams_id is not null and u.upn = lower(case c.owner_role when 'oic' then o.oic_upn else o.supervisor_upn end)),
  targets as (
    select id, district, 'user:' || user_id as conversation_id, false as unreachable from owners where user_id is not null
    union all
    select w.id, w.district, s.conversation_id, true from owners w
    join review_subscriptions s on s.district = '*' or lower(s.district) = lower(w.district) where w.user_id is null),
  queued as (
    insert into outbox (dedupe_key, kind, conversation_id, payload, next_attempt_at)
    select 'floor:' || id || ':' || conversation_id, 'review_prompt', conversation_id,
      jsonb_build_object('type', 'review_prompt', 'scheduledReviewId', id, 'step', 'prompt', 'mode', 'post', 'unreachable', unreachable, 'district', district), ${now}
    from targets on conflict (dedupe_key) do nothing returning 1),
  advanced as (
    update scheduled_reviews r set step = 1, next_step_at = r.due_at, updated_at = ${now} from claimed c where r.id = c.id returning 1)
  select (select count(*) from advanced)::int as n`;

/** The floor over every due review: floorBatch in its own transaction until a batch comes back short, as runReviewSweep loops. @returns reviews processed */
async function floorSweep(db: Kysely<Database>, now: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => Number((await floorBatch(now).execute(trx)).rows[0]!.n));
    total += n;
    if (n < CLAIM_LIMIT) return total;
  }
}

/** EXPLAIN ANALYZE of the claim query (rolled back), one line: "Limit (rows=200) > LockRows … > Index Scan using … (rows=200)". */
async function planOf(db: Kysely<Database>, now: Date): Promise<string> {
  const lines: string[] = [];
  await db
    .transaction()
    .execute(async (trx) => {
      const res = await sql<{ 'QUERY PLAN': string }>`explain (analyze, costs off, timing off, summary off) ${claimQuery(now)}`.execute(
        trx,
      );
      lines.push(...res.rows.map((r) => r['QUERY PLAN']));
      throw new RolledBack();
    })
    .catch((e) => {
      if (!(e instanceof RolledBack)) throw e;
    });
  return lines
    .filter(
      (l) =>
        !/^\s*(Filter|Index Cond|Sort Key|Recheck Cond|Output|Sort Method|Heap Blocks|Index Searches|Buffers|Planning|Execution):/.test(l),
    )
    .map((l) =>
      l
        .replace(/^\s*(->\s*)?/, '')
        .replace(/\(actual rows=([\d.]+) loops=\d+\)/, (_, n: string) => `(rows=${Number(n)})`)
        .trim(),
    )
    .join(' > ');
}

class RolledBack extends Error {}

/** Counts the statements run through a Kysely instance (read from the plugin hook every query result passes). */
class StatementCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.count++;
    return args.result;
  }
}

const outboxCount = async (db: Kysely<Database>) =>
  Number(
    (
      await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Roster users who own the seeded reviews: OICs (the last 300 unknown in Teams), supervisors, coordinators per district. */
async function seedOwners(db: Kysely<Database>): Promise<void> {
  const upn = (prefix: string) => (k: Sql) => sql`${prefix} || ${k} || '@bench.police.uk'`;
  await seedUsers(db, { from: 0, count: KNOWN_OICS, upn: upn('oic'), roles: ['officer'] });
  await seedUsers(db, { from: OICS, count: SUPERVISORS, upn: upn('sup'), roles: ['supervisor'] });
  const districts = (k: Sql) => sql`array['District ' || (${k} % ${DISTRICTS})]`;
  await seedUsers(db, {
    from: OICS + SUPERVISORS,
    count: DISTRICTS * COORDINATORS_PER_DISTRICT,
    upn: upn('coord'),
    roles: ['coordinator'],
    districts,
  });
}

/** Owners of occurrence o: OIC `oic<o % 3000>`, supervisor `sup<o % 400>`. */
const OWNERS = {
  oic: (o: Sql) => sql`'oic' || (${o} % ${OICS}) || '@bench.police.uk'`,
  supervisor: (o: Sql) => sql`'sup' || (${OICS} + ${o} % ${SUPERVISORS}) || '@bench.police.uk'`,
};

/** Grows the schedule to `total`, then runs `rounds` rounds of DUE due reviews through the sweep. */
async function stageAt(
  db: Kysely<Database>,
  from: number,
  total: number,
  rounds: number,
  used: Set<number>,
  schedule: ScheduleConfig,
  now: Date,
): Promise<SweepStage> {
  const t0 = performance.now();
  const { fkSkipped } = await bulkLoad(db, (conn) => seedSchedule(conn, { from, to: total }, now, 'future', OWNERS));
  await analyze(db, ['occurrences', 'scheduled_reviews']);
  const stage: SweepStage = {
    total,
    seedMs: performance.now() - t0,
    fkSkipped,
    sweepMs: [],
    claimMs: [],
    floorMs: [],
    processed: 0,
    queued: 0,
    statements: 0,
    plan: '',
  };
  const counter = new StatementCounter();
  const counted = db.withPlugin(counter);
  for (let round = 0; round < rounds; round++) {
    const due = pickDue(total, round, used);
    await makeDue(db, due, now);
    if (round === 0) stage.plan = await planOf(db, now);
    for (let q = 0; q < CLAIMS_PER_ROUND; q++) stage.claimMs.push(await timeClaim(db, now));
    // The floor and the product take the same due reviews, in turn first (so neither always finds the cache warm).
    const floor = async () => {
      const t = performance.now();
      const n = await floorSweep(db, now);
      stage.floorMs.push(performance.now() - t);
      if (n !== DUE) throw new Error(`the floor processed ${n} reviews, ${DUE} were due`);
    };
    if (round % 2 === 0) {
      await floor();
      await makeDue(db, due, now);
    }
    const before = await outboxCount(db);
    counter.count = 0;
    const t1 = performance.now();
    const n = await runReviewSweep({ db: counted, clock: () => now, kickOutbox: () => undefined }, schedule);
    stage.sweepMs.push(performance.now() - t1);
    stage.statements += counter.count;
    stage.processed += n;
    stage.queued += (await outboxCount(db)) - before;
    if (n !== DUE) throw new Error(`the sweep processed ${n} reviews, ${DUE} were due`);
    if (round % 2 === 1) {
      await makeDue(db, due, now);
      await floor();
    }
  }
  return stage;
}

/**
 * Runs the sweep figures on one fresh database of the backend: for each size (ascending,
 * multiples of DUE), grows the table and runs `rounds` rounds; `onStage` sees each size as it ends.
 */
export async function scheduleBench(
  backend: Backend,
  sizes: readonly number[],
  rounds: number,
  onStage: (s: SweepStage) => void,
): Promise<void> {
  const schedule: ScheduleConfig = loadConfig({ LOG_LEVEL: 'silent', PGLITE_DIR: ':memory:' }).schedule;
  const now = new Date();
  await withFreshDatabase(backend, async (db) => {
    await seedReviewChannel(db, '19:bench-sweep@thread.tacv2', 'http://127.0.0.1:9/');
    await seedOwners(db);
    await analyze(db, ['users']);
    // Reviews made due once are never made due again: every round's outbox inserts are new.
    const used = new Set<number>();
    let seeded = 0;
    for (const total of sizes) {
      if (total % DUE !== 0 || total <= seeded || (rounds * DUE) / total > 0.5)
        throw new Error(`bad sweep size ${total} (rounds ${rounds})`);
      onStage(await stageAt(db, seeded, total, rounds, used, schedule, now));
      seeded = total;
    }
  });
}

/** p50 of a stage's floor sweeps (ms). */
export const floorP50 = (stage: SweepStage): number => percentile(stage.floorMs, 50);

/** p50 of a stage's sweeps, and per review. */
export function sweepP50(stage: SweepStage): { ms: number; perReviewMs: number } {
  const ms = percentile(stage.sweepMs, 50);
  return { ms, perReviewMs: ms / DUE };
}

/**
 * Issue 3 delivery figures of `npm run bench`: `messages` review prompts to `users` users (equal
 * shares) through the bot's outbox dispatcher, against a connector that enforces Teams' rate
 * limits and answers 429 past them (strict-connector.ts, in a child process).
 *
 * Set-wise load (schedule-seed.ts): the users, each with a stored personal chat whose reference
 * points at the connector, and `messages` scheduled reviews chased at their deadline. The prompts
 * are queued with enqueueMessages exactly as sweepDueReviews queues a chase (review_prompt
 * payload, dedupe key `sr:<review>:chase:0:user:<id>`), round by round (the first prompt of every
 * user, then the second…), so the figure is the dispatcher's alone. A real bot is started
 * (startBot, no poller, no jobs) with the same limits in its pacing settings as the connector
 * enforces; `dispatcher.drain()` is called until every row is sent or given up, sleeping in real
 * time until the next retry falls due in between. Each prompt is rendered from the database at
 * send time and its post and disclosure recorded, as in production.
 */
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { startBot } from '../../bot/app.js';
import { loadConfig } from '../../bot/config.js';
import { enqueueMessages, nextDueAt, outboxCounts, type OutboxMessage } from '../../db/outbox/outbox.service.js';
import type { Database } from '../../db/schema.js';
import { Child } from './child.js';
import { shareGoal, silent, type Goal } from './common.js';
import { analyze, bulkLoad, DISTRICTS, PER_OCCURRENCE, reviewId, seedSchedule, seedUsers, userId, type Sql } from './schedule-seed.js';
import type { ConnectorStats, Limits } from './strict-connector.js';
import { withFreshDatabase, type Backend } from './targets.js';

/** The limits a run enforces, in the connector and in the bot's pacing settings alike. */
export interface DeliveryLimits {
  conversationPerSecond: number;
  conversationPer30s: number;
  tenantPerSecond: number;
}

/** Teams' published limits for a bot's proactive messages. */
export const TEAMS_LIMITS: DeliveryLimits = { conversationPerSecond: 7, conversationPer30s: 60, tenantPerSecond: 50 };

const connectorLimits = (l: DeliveryLimits): Limits => ({
  perConversation: [
    { max: l.conversationPerSecond, windowMs: 1000 },
    { max: l.conversationPer30s, windowMs: 30_000 },
  ],
  perTenant: [{ max: l.tenantPerSecond, windowMs: 1000 }],
});

/** One delivery run: how many prompts to how many users, under which limits. */
export interface DeliverySpec {
  users: number;
  messages: number;
  limits: DeliveryLimits;
  /** Give up waiting after this long (the figure then shows what was left). */
  timeoutMs: number;
}

/** What a delivery run measured. */
export interface DeliveryFigure {
  spec: DeliverySpec;
  /** From the first drain() to the end of the last, ms. */
  elapsedMs: number;
  /** First to last send the connector accepted, ms. */
  connectorSpanMs: number;
  /** Outbox rows by status at the end. */
  statuses: Record<string, number>;
  /** Rows that needed more than one outbox attempt (a 429 outlasted botbuilder's own retries). */
  rescheduled: number;
  /** drain() calls. */
  drains: number;
  connector: Omit<ConnectorStats, 'received'>;
  /** Prompts that never reached their user's chat / extra copies that did / arrivals nobody queued (or in the wrong chat). */
  missing: number;
  duplicates: number;
  unexpected: number;
  /** Concurrency of the bot's dispatcher (OUTBOX_CONCURRENCY, default). */
  concurrency: number;
  /** CPU of this process (the bot) during the run, ms. */
  cpuMs: number;
}

/** The StrictConnector in its own process. */
export class ConnectorProcess {
  private constructor(
    private readonly child: Child,
    readonly url: string,
  ) {}

  /** Forks the connector and starts it with these limits. */
  static async start(limits: DeliveryLimits): Promise<ConnectorProcess> {
    const child = await Child.fork(new URL('./strict-connector-child.ts', import.meta.url), 'strict connector');
    return new ConnectorProcess(child, await child.call<string>('start', { limits: connectorLimits(limits) }));
  }

  /** Forgets windows and figures, and applies these limits. */
  async reset(limits: DeliveryLimits): Promise<void> {
    await this.child.call('reset', { limits: connectorLimits(limits) });
  }

  /** What the connector saw since the last reset. */
  stats(): Promise<ConnectorStats> {
    return this.child.call<ConnectorStats>('stats');
  }

  /** Stops the connector process. */
  close(): Promise<void> {
    return this.child.close();
  }
}

/** User of prompt m (round by round: prompt m goes to user m % users), and the connector's key for it. */
const userOf = (m: number, users: number) => m % users;
const arrivalKey = (m: number, users: number) => `a:bench-personal-${userOf(m, users)}|${reviewId(m)}`;

/** Users with their personal chats, one chased review per prompt, and the prompts queued as the sweep would. */
async function seed(db: Kysely<Database>, spec: DeliverySpec, serviceUrl: string, now: Date): Promise<void> {
  const upn = (k: Sql) => sql`'bench.user' || ${k} || '@force.police.uk'`;
  await bulkLoad(db, async (conn) => {
    await seedUsers(conn, { from: 0, count: spec.users, upn, roles: ['officer'], personalChatsAt: serviceUrl });
    await seedSchedule(conn, { from: 0, to: spec.messages }, now, 'chased', { oic: upn, supervisor: upn });
  });
  await analyze(db, ['users', 'conversations', 'occurrences', 'scheduled_reviews']);
  const queued: OutboxMessage[] = [];
  for (let m = 0; m < spec.messages; m++) {
    const target = `user:${userId(userOf(m, spec.users))}`;
    const district = `District ${Math.floor(m / PER_OCCURRENCE) % DISTRICTS}`;
    queued.push({
      dedupeKey: `sr:${reviewId(m)}:chase:0:${target}`,
      conversationId: target,
      payload: { type: 'review_prompt', scheduledReviewId: reviewId(m), step: 'chase', mode: 'post', unreachable: false, district },
    });
  }
  let n = 0;
  for (let i = 0; i < queued.length; i += 1000) n += await enqueueMessages(db, queued.slice(i, i + 1000), now);
  if (n !== spec.messages) throw new Error(`queued ${n} prompts, expected ${spec.messages}`);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Lost, doubled and unexpected arrivals: every queued prompt must arrive once, in its user's chat. */
function tally(spec: DeliverySpec, received: Record<string, number>): { missing: number; duplicates: number; unexpected: number } {
  const left = new Map(Object.entries(received));
  let missing = 0;
  let duplicates = 0;
  for (let m = 0; m < spec.messages; m++) {
    const key = arrivalKey(m, spec.users);
    const got = left.get(key) ?? 0;
    left.delete(key);
    if (got === 0) missing++;
    else duplicates += got - 1;
  }
  return { missing, duplicates, unexpected: [...left.values()].reduce((a, b) => a + b, 0) };
}

/** One delivery run on a fresh database of the backend. */
export async function deliveryBench(backend: Backend, connector: ConnectorProcess, spec: DeliverySpec): Promise<DeliveryFigure> {
  await connector.reset(spec.limits);
  return withFreshDatabase(backend, async (db, target) => {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      PGLITE_DIR: ':memory:',
      JOBS_ENABLED: 'false',
      RATE_CONVERSATION_PER_SECOND: String(spec.limits.conversationPerSecond),
      RATE_CONVERSATION_PER_30_SECONDS: String(spec.limits.conversationPer30s),
      RATE_TENANT_PER_SECOND: String(spec.limits.tenantPerSecond),
      ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
    });
    await seed(db, spec, connector.url, new Date());
    const bot = await startBot(config, { db, dispatcher: false, jobs: false, logger: silent });
    try {
      let drains = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (;;) {
        await bot.dispatcher.drain();
        drains++;
        const counts = await outboxCounts(db);
        if (!counts.pending && !counts.sending) break;
        if (performance.now() - t0 > spec.timeoutMs) break;
        // Only rows waiting for a retry (429 past botbuilder's own retries) are left: wait for the first.
        const next = await nextDueAt(db);
        await sleep(Math.min(1000, Math.max(10, (next?.getTime() ?? Date.now()) - Date.now())));
      }
      const elapsedMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const statuses = await outboxCounts(db);
      const rescheduled = Number(
        (
          await db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('attempts', '>', 1)
            .executeTakeFirstOrThrow()
        ).n,
      );
      const { received, ...stats } = await connector.stats();
      return {
        spec,
        elapsedMs,
        connectorSpanMs: stats.spanMs,
        statuses,
        rescheduled,
        drains,
        connector: stats,
        ...tally(spec, received),
        concurrency: config.pacing.concurrency,
        cpuMs: (cpu.user + cpu.system) / 1000,
      };
    } finally {
      await bot.stop();
    }
  });
}

/**
 * Issue 11 item 6 as goals: the achieved rate (sent rows over the wall time) as a share of the
 * tenant's allowed rate (at least 95 %), and the 429s the connector answered (none allowed).
 */
export function deliveryGoals(runs: readonly { backend: string; figure: DeliveryFigure | undefined }[]): Goal[] {
  return runs.flatMap(({ backend, figure: f }) => {
    if (!f) return [];
    const allowed = f.spec.limits.tenantPerSecond;
    const what = `delivery of ${f.spec.messages.toLocaleString('en-GB')} prompts`;
    const throttled = f.connector.throttled;
    return [
      shareGoal({
        figure: `${what}: achieved rate`,
        backend,
        product: ((f.statuses.sent ?? 0) / f.elapsedMs) * 1000,
        floor: allowed,
        unit: '/s',
        floorIs: "Teams' limit per bot per tenant",
        limit: 0.95,
      }),
      {
        figure: `${what}: 429s answered`,
        backend,
        product: throttled,
        floor: 0,
        unit: '429s',
        floorIs: 'none',
        ratio: throttled,
        limit: 0,
        met: throttled === 0,
      },
    ];
  });
}

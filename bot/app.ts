import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { openDatabase } from '../db/database.js';
import { jobList, type JobSettings } from '../jobs/jobs.js';
import { startJobs } from '../jobs/scheduler.js';
import type { Database } from '../db/schema.js';
import type { Config } from './config.js';
import { bodyReader } from './http/body.js';
import { importHandler } from './http/imports.route.js';
import { hasIngestKey, ingestHandler } from './http/ingest.route.js';
import { bearerPresent, messagesHandler } from './http/messages.route.js';
import { createLogger, type Logger } from './logger.js';
import { OutboxDispatcher } from './proactive/dispatcher.js';
import { Pacer } from './proactive/pacing.js';
import { createRenderer } from './proactive/renderer.js';
import type { BotDeps } from './teams/context.js';
import { registerSummaryRoutes } from './http/summary.routes.js';
import { registerDocumentRoutes } from './http/documents.route.js';
import { createTeamsApp } from './teams/teams-app.js';
import { serviceUrlGuard } from './teams/service-url.guard.js';
import { createAdapter } from './teams-auth.js';

/** Thrown when the HTTP port is taken. */
export class PortInUseError extends Error {}

/** Things tests and benchmarks may replace; production uses the defaults. */
export interface BotOptions {
  logger?: Logger;
  clock?: () => Date;
  /** An already open database (tests share one between two instances). */
  db?: Kysely<Database>;
  /** Start the outbox poller (default true). */
  dispatcher?: boolean;
  /** Start the cron jobs (default: config.jobs.enabled). */
  jobs?: boolean;
  /** Node http server limits in milliseconds (tests shorten them; defaults in HTTP_LIMITS). */
  httpLimits?: Partial<Record<keyof typeof HTTP_LIMITS, number>>;
  /** Outbound credentials for the Bot Connector (tests: a stand-in for Entra ID). */
  credentialsFactory?: ServiceClientCredentialsFactory;
}

/** A running bot: its URL, database and dispatcher, and how to stop it. */
export interface RunningBot {
  url: string;
  port: number;
  db: Kysely<Database>;
  dispatcher: OutboxDispatcher;
  stop(): Promise<void>;
}

/** Node http server limits: slow or idle clients cannot hold sockets open (security review, issue 9). */
export const HTTP_LIMITS = { headersTimeoutMs: 20_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000, idleSocketMs: 30_000 } as const;

/** Each scheduled job's settings, taken from the configuration (jobs/ never reads Config). */
export function jobSettingsOf(config: Config): JobSettings {
  return {
    reviewSweep: { cron: config.jobs.sweepCron, schedule: config.schedule },
    digest: { cron: config.jobs.digestCron },
    actionReminders: {
      cron: config.actions.cron,
      reminders: { updateDaysBefore: config.actions.updateDaysBefore, nudgeDaysBefore: config.actions.nudgeDaysBefore },
    },
    summaryWeekly: { cron: config.summary.weeklyCron },
    summaryMonthly: { cron: config.summary.monthlyCron },
    retention: config.retention,
  };
}

/**
 * The composition root: opens the database (migrating it), builds the Teams adapter and
 * Application, the restify server with its routes and the outbox dispatcher, and listens.
 */
export async function startBot(config: Config, options: BotOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? (() => new Date());
  const ownsDb = !options.db;
  const db = options.db ?? (await openDatabase(config.database, { production: config.production, warn: (m) => logger.warn(m) }));
  const adapter = createAdapter(config, options.credentialsFactory);
  const botAppId = config.microsoftApp?.appId ?? '';
  let dispatcher: OutboxDispatcher | null = null;
  const deps: BotDeps = { db, config, clock, logger, kickOutbox: () => dispatcher?.kick() };
  const p = config.pacing;
  const pacer = new Pacer(
    [
      { max: p.perConversationPerSecond, windowMs: 1000 },
      { max: p.perConversationPer30s, windowMs: 30_000 },
    ],
    [{ max: p.perTenantPerSecond, windowMs: 1000 }],
  );
  dispatcher = new OutboxDispatcher({
    db,
    adapter,
    botAppId,
    renderer: createRenderer(deps),
    pacer,
    clock,
    logger,
    pollSeconds: config.outbox.pollSeconds,
    maxAttempts: config.outbox.maxAttempts,
    concurrency: p.concurrency,
    serviceUrlAllowlist: config.serviceUrlAllowlist,
    reminders: config.actions,
  });
  const app = createTeamsApp(deps, adapter, botAppId);

  const server = restify.createServer({ name: 'hcc-bot' });
  const limits = { ...HTTP_LIMITS, ...options.httpLimits };
  server.server.headersTimeout = limits.headersTimeoutMs;
  server.server.requestTimeout = limits.requestTimeoutMs;
  server.server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.server.setTimeout(limits.idleSocketMs); // no 'timeout' listener: Node destroys the idle socket
  // Every POST: the key or token header is checked first, then the one body reader (bot/http/body.ts).
  const readBody = bodyReader(config.ingestMaxBodyBytes);
  const feedKey: restify.RequestHandler = (req, res, next) => (hasIngestKey(req, res, config.ingestApiKey) ? next() : next(false));
  server.post(
    '/api/messages',
    bearerPresent(config, logger),
    readBody,
    serviceUrlGuard(config, logger),
    messagesHandler({ adapter, config, logger, logic: (ctx) => app.run(ctx).then(() => undefined) }),
  );
  server.post('/api/occurrences', feedKey, readBody, ingestHandler(deps));
  server.post('/api/imports/:kind', feedKey, readBody, importHandler(deps));
  registerSummaryRoutes(server, deps);
  registerDocumentRoutes(server, deps);
  server.get('/healthz', async (_req, res) => {
    try {
      await sql`select 1`.execute(db);
      res.send(200, { status: 'ok', mode: config.microsoftApp ? 'authenticated' : 'local', database: config.database.kind });
    } catch {
      res.send(503, { status: 'unavailable', database: config.database.kind });
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
  } catch (e) {
    if (!options.db) await db.destroy();
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'EADDRINUSE'
      ? new PortInUseError(`port ${config.port} on ${config.host} is already in use (another bot running?): stop it, or set PORT`)
      : e;
  }
  const port = (server.address() as AddressInfo).port;
  if (options.dispatcher !== false) dispatcher.start();
  const jobs =
    (options.jobs ?? config.jobs.enabled)
      ? startJobs(jobList({ db, clock, kickOutbox: deps.kickOutbox }, jobSettingsOf(config)), { clock, log: logger })
      : null;
  logger.info(
    { port, mode: config.microsoftApp ? 'authenticated' : 'local', database: config.database.kind, node: process.version },
    'bot listening',
  );
  const running = dispatcher;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    db,
    dispatcher: running,
    async stop() {
      await jobs?.stop();
      await running.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownsDb) await db.destroy();
    },
  };
}

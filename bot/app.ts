import { ConfigurationServiceClientCredentialFactory, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { openDatabase } from '../db/database.js';
import { featureJobs } from '../jobs/feature-jobs.js';
import { startJobs } from '../jobs/scheduler.js';
import type { Database } from '../db/schema.js';
import type { Config } from './config.js';
import { importHandler } from './http/imports.route.js';
import { ingestHandler } from './http/ingest.route.js';
import { createLogger, type Logger } from './logger.js';
import { OutboxDispatcher } from './proactive/dispatcher.js';
import { Pacer } from './proactive/pacing.js';
import { createRenderer } from './proactive/renderer.js';
import type { BotDeps } from './teams/context.js';
import { registerSummaryRoutes } from './http/summary.routes.js';
import { createTeamsApp } from './teams/teams-app.js';
import { serviceUrlGuard } from './teams/service-url.guard.js';

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
}

/** A running bot: its URL, database and dispatcher, and how to stop it. */
export interface RunningBot {
  url: string;
  port: number;
  db: Kysely<Database>;
  dispatcher: OutboxDispatcher;
  stop(): Promise<void>;
}

function adapterFor(config: Config): TeamsAdapter {
  const m = config.microsoftApp;
  // Local mode: no credentials, so the adapter accepts unauthenticated requests (Agents Playground).
  const auth: ConfigurationBotFrameworkAuthenticationOptions = m
    ? { MicrosoftAppId: m.appId, MicrosoftAppPassword: m.appPassword, MicrosoftAppType: m.appType, MicrosoftAppTenantId: m.tenantId ?? '' }
    : ({} as ConfigurationBotFrameworkAuthenticationOptions);
  const factory = new ConfigurationServiceClientCredentialFactory(
    m ? { MicrosoftAppId: m.appId, MicrosoftAppPassword: m.appPassword, MicrosoftAppType: m.appType, MicrosoftAppTenantId: m.tenantId } : {},
  );
  return new TeamsAdapter(auth, factory);
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
  const adapter = adapterFor(config);
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
  });
  const app = createTeamsApp(deps, adapter, botAppId);

  const server = restify.createServer({ name: 'hcc-bot' });
  const parseBody = restify.plugins.bodyParser({ maxBodySize: config.ingestMaxBodyBytes, mapParams: false });
  // Imports read their CSV body raw (their own route reader); everything else is parsed here.
  server.use(parseBody.map((handler) => (req: restify.Request, res: restify.Response, next: restify.Next) => (req.getPath().startsWith('/api/imports/') ? next() : handler(req, res, next))));
  server.post('/api/messages', serviceUrlGuard(config, logger), async (req, res) => {
    await adapter.process(req, res, async (ctx) => {
      await app.run(ctx);
    });
  });
  server.post('/api/occurrences', ingestHandler(deps));
  // Route-level: the global body parser would turn a CSV body into restify's own rows.
  server.post('/api/imports/:kind', restify.plugins.bodyReader({ maxBodySize: config.ingestMaxBodyBytes }), importHandler(deps));
  registerSummaryRoutes(server, deps);
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
    throw code === 'EADDRINUSE' ? new PortInUseError(`port ${config.port} on ${config.host} is already in use (another bot running?): stop it, or set PORT`) : e;
  }
  const port = (server.address() as AddressInfo).port;
  if (options.dispatcher !== false) dispatcher.start();
  const jobs = options.jobs ?? config.jobs.enabled ? startJobs({ db, schedule: config.schedule, clock, kickOutbox: deps.kickOutbox, log: logger }, config.jobs, featureJobs({ db, config, clock, kickOutbox: deps.kickOutbox })) : null;
  logger.info({ port, mode: config.microsoftApp ? 'authenticated' : 'local', database: config.database.kind, node: process.version }, 'bot listening');
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

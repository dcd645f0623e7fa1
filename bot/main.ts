import { ConfigError, LOCAL_INGEST_KEY, loadConfig } from './config.js';
import { PortInUseError, startBot } from './app.js';
import { AuditTamperableError, DatabaseBusyError } from '../db/database.js';
import { createLogger } from './logger.js';
import { hasRoster } from '../db/users/users.service.js';

// Node 20 reached end of life on 30 April 2026; npm ci brings Node 24 (npm's `node` package) and npm scripts run on it.
const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < 24) {
  console.error(
    `cannot start: Node ${process.version} is older than Node 24 LTS; run the bot with npm start (it uses the Node 24 that npm ci installs)`,
  );
  process.exit(78);
}

let config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(78);
  }
  throw e;
}
const logger = createLogger(config.logLevel);
for (const warning of config.warnings) logger.warn(warning);
let bot: Awaited<ReturnType<typeof startBot>>;
try {
  bot = await startBot(config, { logger });
} catch (e) {
  if (e instanceof PortInUseError || e instanceof DatabaseBusyError || e instanceof AuditTamperableError) {
    logger.fatal(`cannot start: ${e.message}`);
    process.exit(1);
  }
  throw e;
}
if (!config.microsoftApp) {
  logger.warn(
    { host: config.host },
    'local mode: no Microsoft app credentials; requests are not authenticated, so the bot listens on this machine only (Agents Playground: npm run playground)',
  );
  if (!(await hasRoster(bot.db)))
    logger.warn('local mode with no roster imported: the local user is a force-wide coordinator and manager until a roster is imported');
}
if (config.ingestApiKey === LOCAL_INGEST_KEY)
  logger.warn({ ingestApiKey: LOCAL_INGEST_KEY }, 'INGEST_API_KEY unset: the feed accepts the local development key');
logger.info(`messaging endpoint ${bot.url}/api/messages; feed ${bot.url}/api/occurrences`);

let stopping = false;
/** Stops the bot (outbox, jobs, server, database) and exits; a stop that hangs is cut short after 10 s. */
const shutdown = (signal: string, code = 0) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  setTimeout(() => process.exit(code || 1), 10_000).unref();
  bot.stop().then(
    () => process.exit(code),
    (err: unknown) => {
      logger.error({ err }, 'unclean shutdown');
      process.exit(1);
    },
  );
};
// Last line of defence. Every known path catches its own errors (turns, routes, the outbox, jobs,
// pooled connections); a rejected promise nobody awaited is logged and the bot carries on. After an
// uncaught exception the process is in an unknown state, so it stops cleanly with a non-zero code
// and its supervisor (systemd, App Service, Kubernetes) starts it again.
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection; the bot carries on'));
process.on('uncaughtException', (err) => {
  logger.fatal({ err }, 'uncaught exception: stopping');
  shutdown('uncaughtException', 1);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => shutdown(signal));
// `npm start` does not always pass SIGTERM on to the bot; if the npm process that started us
// goes away, stop cleanly rather than run on orphaned.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) shutdown('parent exited');
}, 1000).unref();

/**
 * Starts the Microsoft 365 Agents Playground (npm package @microsoft/teams-app-test-tool, bin
 * "agentsplayground") against the locally running bot, so it can be tried without a Teams tenant.
 *
 * Environment:
 *   PORT                   bot port (default 3978); the endpoint is http://127.0.0.1:$PORT/api/messages
 *   BOT_ENDPOINT           full bot endpoint URL, overrides PORT
 *   TEAMSAPPTESTER_PORT    Playground UI / mock connector port (default 56150)
 *   TEAMSAPPTESTER_BROWSER set to anything but "none" to let the Playground open a browser (default "none")
 *
 * The mock connector's service URL is given as http://127.0.0.1:<port>/_connector (the Playground's own
 * default says "localhost"), so activities name a loopback address whatever "localhost" resolves to.
 *
 * The bot must run WITHOUT MicrosoftAppId/MicrosoftAppPassword: the Playground sends unauthenticated
 * activities and its mock connector accepts replies without a token.
 * Telemetry to Microsoft is always disabled (--disable-telemetry).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';

const DEFAULT_BOT_PORT = 3978;
const DEFAULT_PLAYGROUND_PORT = 56150;

/** Resolves true if nothing listens on the port yet (checked the way the Playground binds: all interfaces). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/** Resolves true if a TCP connection to the URL's host and port succeeds within a second. */
function isReachable(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Parses a TCP port from an environment variable, falling back to a default. */
function envPort(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a TCP port, got "${raw}"`);
  return port;
}

/** Spawns the Playground, forwards SIGINT/SIGTERM to it and resolves with its exit code. */
async function main(): Promise<number> {
  const botEndpoint = new URL(process.env.BOT_ENDPOINT?.trim() || `http://127.0.0.1:${envPort('PORT', DEFAULT_BOT_PORT)}/api/messages`);
  const uiPort = envPort('TEAMSAPPTESTER_PORT', DEFAULT_PLAYGROUND_PORT);
  if (!(await portIsFree(uiPort))) {
    console.error(`Port ${uiPort} is already in use (another Playground?). Stop it or set TEAMSAPPTESTER_PORT.`);
    return 1;
  }
  if (!(await isReachable(botEndpoint))) {
    console.warn(`WARNING: nothing is listening at ${botEndpoint.origin} yet. Start the bot (npm start) without MicrosoftAppId.`);
  }

  const cli = createRequire(import.meta.url).resolve('@microsoft/teams-app-test-tool/cli.js');
  const serviceUrl = `http://127.0.0.1:${uiPort}/_connector`;
  const args = [
    'start',
    '--app-endpoint',
    botEndpoint.href,
    '--channel-id',
    'msteams',
    '--port',
    String(uiPort),
    '--service-url',
    serviceUrl,
    '--disable-telemetry',
  ];
  const child = spawn(process.execPath, [cli, ...args], {
    stdio: 'inherit',
    env: { ...process.env, TEAMSAPPTESTER_BROWSER: process.env.TEAMSAPPTESTER_BROWSER ?? 'none' },
  });

  console.log(`Agents Playground: open http://127.0.0.1:${uiPort} in a browser`);
  console.log(`  bot endpoint : ${botEndpoint.href}`);
  console.log(`  service URL  : ${serviceUrl} (mock Bot Connector for replies, updates, proactive sends)`);
  const logFile = process.env.M365_AGENTS_PLAYGROUND_LOGFILE || process.env.TEAMSAPPTESTER_LOGFILE || 'devTools/m365agentsplayground.log';
  console.log(`  log file     : ${logFile}`);

  const forward = (signal: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);

  return new Promise((resolve) => {
    child.once('error', (err) => {
      console.error(`Could not start the Agents Playground: ${err.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0));
    });
  });
}

process.exitCode = await main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  return 1;
});

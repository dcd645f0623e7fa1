/**
 * The processes behind the real-client suite: the bot (`bot/main.ts`, local mode, its own database)
 * and the Agents Playground (`scripts/playground.ts`), each a child process in its own process group,
 * logging to files in the artifacts folder. `stop()` ends both groups (SIGTERM, then SIGKILL after
 * a bound) and removes the database; an exit hook kills whatever is left if the run dies first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** The repository root (this file is test/e2e/stack.ts). */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** Screenshots and logs of the last run (git-ignored). */
export const ARTIFACTS = path.join(ROOT, 'test', 'e2e', 'artifacts');
/** The feed key the bot accepts in local mode when INGEST_API_KEY is unset (README "Quick start"). */
export const LOCAL_KEY = 'local-dev-ingest-key';

/** Where "Open in records system" points in the run (README, RMS_URL_TEMPLATE). */
export const RMS_URL_TEMPLATE = 'https://rms.example/occurrence/{reference}';

/** A cron expression that fires once a year (31 Dec 23:59): keeps the daily jobs out of the run. */
const YEARLY = '59 23 31 12 *';

export interface Stack {
  /** http://127.0.0.1:<port> of the bot. */
  botUrl: string;
  /** http://127.0.0.1:<port> of the Playground's web UI (and mock connector). */
  playgroundUrl: string;
  /** 'pglite' or 'postgres' */
  database: string;
  /** POSTs a feed body to /api/occurrences with the local key; returns the status and JSON body. */
  ingest(body: unknown): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/** A free TCP port (bound on all interfaces, as the Playground binds). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const children = new Set<ChildProcess>();
// Last resort if the run ends without stop(): a synchronous kill of every group still running.
process.once('exit', () => {
  for (const child of children) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Stops one child's process group: SIGTERM, then SIGKILL when it has not exited within `ms`. */
async function stopChild(child: ChildProcess, ms = 8000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), ms).unref());
  if ((await Promise.race([exited.then(() => 'ok' as const), timer])) === 'late') {
    killGroup(child, 'SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
  }
  children.delete(child);
}

/** Starts `node --import tsx <script>` in its own process group, output to `<ARTIFACTS>/<name>.log`. */
function startScript(name: string, script: string, env: Record<string, string>): ChildProcess {
  const log = createWriteStream(path.join(ARTIFACTS, `${name}.log`));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  children.add(child);
  return child;
}

/** Polls `url` until it answers 200, the child exits, or `ms` pass. @throws naming the log to read */
async function waitForHttp(url: string, child: ChildProcess, name: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before answering; see test/e2e/artifacts/${name}.log`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not answer at ${url} within ${ms / 1000} s; see test/e2e/artifacts/${name}.log`);
}

/** Only what the processes need from the parent environment: no Microsoft credentials, no keys. */
function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'USER'];
  return Object.fromEntries(keep.flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
}

/** A throwaway database: a PGlite folder, or a new database on the DATABASE_URL server. */
async function freshDatabase(): Promise<{ env: Record<string, string>; kind: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hcc-e2e-pglite-'));
    return { env: { PGLITE_DIR: dir }, kind: 'pglite', drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `hcc_e2e_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    kind: 'postgres',
    drop: async () => {
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/**
 * Starts the bot and the Playground pointed at it, both on free loopback ports.
 * The bot runs in local mode with the jobs on: the review sweep every 2 seconds and the outbox
 * polled every second; the daily and weekly jobs are moved out of the way.
 * @throws when either does not answer within 90 s (its log is in the artifacts folder)
 */
export async function startStack(): Promise<Stack> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const db = await freshDatabase();
  // The force's policy for the run (REVIEW_POLICY_FILE): the MARAC referral is decided within the
  // hour of a high grade, so its prompt comes within the 2-hour lead, on the next sweep.
  const policyFile = path.join(ARTIFACTS, 'review-policy.json');
  writeFileSync(policyFile, JSON.stringify({ marac_referral: { after: { hours: 1 }, owner: 'coordinator' } }));
  const [botPort, uiPort] = [await freePort(), await freePort()];
  const botUrl = `http://127.0.0.1:${botPort}`;
  const playgroundUrl = `http://127.0.0.1:${uiPort}`;
  let bot: ChildProcess | null = null;
  let playground: ChildProcess | null = null;
  const stop = async () => {
    await Promise.all([playground, bot].map((c) => (c ? stopChild(c) : undefined)));
    await db.drop().catch(() => undefined);
  };
  try {
    bot = startScript('bot', 'bot/main.ts', {
      ...baseEnv(),
      ...db.env,
      PORT: String(botPort),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: botUrl,
      LOG_LEVEL: 'debug',
      RMS_URL_TEMPLATE,
      REVIEW_POLICY_FILE: policyFile,
      JOBS_ENABLED: 'true',
      SWEEP_CRON: '*/2 * * * * *',
      OUTBOX_POLL_SECONDS: '1',
      DIGEST_CRON: YEARLY,
      ACTIONS_CRON: YEARLY,
      SUMMARY_WEEKLY_CRON: YEARLY,
      SUMMARY_MONTHLY_CRON: YEARLY,
    });
    await waitForHttp(`${botUrl}/healthz`, bot, 'bot', 90_000);
    playground = startScript('playground', 'scripts/playground.ts', {
      ...baseEnv(),
      PORT: String(botPort),
      TEAMSAPPTESTER_PORT: String(uiPort),
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_LOGFILE: path.join(ARTIFACTS, 'playground-events.log'),
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: path.join(ROOT, '.m365agentsplayground.yml'),
    });
    await waitForHttp(playgroundUrl, playground, 'playground', 90_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    botUrl,
    playgroundUrl,
    database: db.kind,
    async ingest(body) {
      const res = await fetch(`${botUrl}/api/occurrences`, {
        method: 'POST',
        headers: { authorization: `Bearer ${LOCAL_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    stop,
  };
}

/**
 * The memory figure of `npm run bench` (issue 11, item 7): resident set size of the bot as
 * production runs it (compiled JavaScript, `node dist/bot/main.js`, no cron jobs) under the
 * review-submit load on PostgreSQL, beside a bare teams-ai bot (dist/scripts/bench/floor-main.js:
 * the floor's handler with its 1 read and 1 transaction) under the same invokes. Each runs in a
 * process of its own, with the node flags `npm start` gives the bot (package.json), so the two
 * compare alike; RSS is read from /proc/<pid>/status every 100 ms and the highest kept.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { RunningBot } from '../../bot/app.js';
import { VERBS } from '../../cards/verbs.js';
import type { FeedOccurrence } from '../sample-data.lib.js';
import { FLOOR_VERB } from './floor.js';
import { ingestViaEndpoint } from './ingest-rate.js';
import { CONCURRENCY, REVIEWED, SUBMITS, type Rig } from './submit-latency.js';
import { withFreshDatabase, type Backend } from './targets.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KEY = 'bench-ingest-key-0123456789';

/** Highest RSS (MB) of the bot and of the bare bot under the same load, and the node flags both ran with. */
export interface MemoryFigure {
  botMb: number;
  bareMb: number;
  flags: string[];
}

const startScript = z.object({ scripts: z.object({ start: z.string().regex(/^node(\s+--\S+)*\s+dist\/bot\/main\.js$/) }) });

/**
 * The node flags of `npm start` (package.json: `node [--flag …] dist/bot/main.js`), e.g. the heap
 * limit production runs with. @throws ZodError when the start script has another shape
 */
function startFlags(): string[] {
  const { scripts } = startScript.parse(JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')));
  return scripts.start.split(/\s+/).filter((t) => t.startsWith('--'));
}

/** Compiles the bot (`npm run build`'s tsc) so the figure is of the JavaScript production runs. @throws Error when it fails */
function build(): void {
  const r = spawnSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
}

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};

/** Starts `script` (compiled) with `env`; resolves with the process and its port once it says where it listens. */
async function startChild(
  script: string,
  flags: readonly string[],
  env: Record<string, string>,
  portOf: (line: string) => number | null,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [...flags, script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        const p = portOf(line);
        if (p !== null) resolve(p);
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited before it listened (${code})`)));
  });
  child.stdout!.resume();
  return { child, port };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** Runs `load` while sampling the RSS of `pid`; the highest sample, MB. */
async function peakDuring(pid: number, load: () => Promise<unknown>): Promise<number> {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 100);
  try {
    await load();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, rssMb(pid));
}

/** The memory figure on `backend` (PostgreSQL): the compiled bot, then the bare bot, each under SUBMITS invokes at concurrency CONCURRENCY. */
export async function memoryBench(backend: Backend, rig: Rig, occurrences: readonly FeedOccurrence[]): Promise<MemoryFigure> {
  build();
  const flags = startFlags();
  return withFreshDatabase(backend, async (db, target) => {
    const env = {
      DATABASE_URL: target.databaseUrl!,
      PORT: '0',
      HOST: '127.0.0.1',
      JOBS_ENABLED: 'false',
      INGEST_API_KEY: KEY,
      LOG_LEVEL: 'info',
    };
    const bot = await startChild(`${ROOT}dist/bot/main.js`, flags, env, (line) =>
      line.includes('"bot listening"') ? Number(JSON.parse(line).port) : null,
    );
    let ids: string[];
    let botMb: number;
    try {
      const url = `http://127.0.0.1:${bot.port}`;
      await ingestViaEndpoint({ url } as RunningBot, occurrences);
      const rows = await db.selectFrom('occurrences').select('id').orderBy('flagged_at').orderBy('id').limit(REVIEWED).execute();
      ids = rows.map((r) => r.id);
      botMb = await peakDuring(bot.child.pid!, () =>
        rig.load.run({
          url: `${url}/api/messages`,
          serviceUrl: rig.connector.url,
          verb: VERBS.reviewSubmit,
          ids,
          count: SUBMITS,
          concurrency: CONCURRENCY,
        }),
      );
    } finally {
      await stopChild(bot.child);
    }
    const bare = await startChild(`${ROOT}dist/scripts/bench/floor-main.js`, flags, { DATABASE_URL: target.databaseUrl! }, (line) => {
      const m = /^listening (\d+)/.exec(line);
      return m ? Number(m[1]) : null;
    });
    try {
      const url = `http://127.0.0.1:${bare.port}`;
      const bareMb = await peakDuring(bare.child.pid!, () =>
        rig.load.run({
          url: `${url}/api/messages`,
          serviceUrl: rig.connector.url,
          verb: FLOOR_VERB,
          ids,
          count: SUBMITS,
          concurrency: CONCURRENCY,
        }),
      );
      return { botMb, bareMb, flags };
    } finally {
      await stopChild(bare.child);
    }
  });
}

/**
 * The load generator of `npm run bench`, run as a child process (forked by load.ts) so the
 * client's own work does not compete with the server for the bot's event loop. Sends the
 * Action.Execute invokes of a RunSpec and reports each round-trip. Per occurrence it remembers
 * the `expectedVersion` of the card it got back last, as Teams would send next.
 */
import { performance } from 'node:perf_hooks';
import { cardVersion, classify, invokeBody, type RunResult, type RunSpec } from './invokes.js';
import { serveParent } from './child.js';
import { pool } from './timing.js';

const versions = new Map<string, number>();

async function run(spec: RunSpec): Promise<RunResult> {
  const result: RunResult = {
    client: [],
    wallMs: 0,
    cpuMs: 0,
    outcomes: { saved: 0, stale: 0, refused: 0, error: 0 },
    firstProblem: null,
    card: null,
  };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  result.client = await pool(spec.count, spec.concurrency, async (i) => {
    const id = spec.ids[i % spec.ids.length]!;
    const body = invokeBody(spec.serviceUrl, spec.verb, id, versions.get(id) ?? 0);
    const start = performance.now();
    let status = 0;
    let json: any = null;
    try {
      const res = await fetch(spec.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      status = res.status;
      const text = await res.text();
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = { fetchError: (e as Error).message };
    }
    const ms = performance.now() - start;
    const outcome = classify(status, json);
    result.outcomes[outcome]++;
    if (outcome === 'error' || outcome === 'refused')
      result.firstProblem ??= `${outcome}: HTTP ${status} ${JSON.stringify(json).slice(0, 300)}`;
    else {
      const next = cardVersion(json.value);
      if (next !== null) versions.set(id, next);
      if (outcome === 'saved') result.card ??= json.value;
    }
    return ms;
  });
  result.wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  return result;
}

serveParent({ run: (m: { spec: RunSpec }) => run(m.spec) });

/**
 * Timing helpers for `npm run bench`: server-side request times read from Node's built-in
 * HTTP diagnostics channels (no change to the bot's code), percentiles and a bounded pool.
 */
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

interface RequestStart {
  request: IncomingMessage;
  response: ServerResponse;
}

interface ResponseFinish {
  request: IncomingMessage;
  response: ServerResponse;
}

/** Samples (ms) of one server, keyed by the local port it listens on. */
export interface ServerSamples {
  readonly samples: number[];
  reset(): void;
}

/**
 * Measures, for every HTTP server in this process, the time from Node's `request` event (headers
 * parsed; restify has not seen the request yet) to the response's `finish` (the last byte handed
 * to the socket). Uses the `http.server.request.start` / `http.server.response.finish`
 * diagnostics channels, so it sees the bot's own restify server without a hook in bot/.
 */
export class ServerTimer {
  private readonly started = new WeakMap<ServerResponse, number>();
  private readonly byPort = new Map<number, { samples: number[]; path: string }>();

  private readonly onStart = (message: unknown): void => {
    const { request, response } = message as RequestStart;
    const port = request.socket.localPort;
    const watched = port === undefined ? undefined : this.byPort.get(port);
    if (watched && request.url === watched.path) this.started.set(response, performance.now());
  };

  private readonly onFinish = (message: unknown): void => {
    const { request, response } = message as ResponseFinish;
    const t0 = this.started.get(response);
    if (t0 === undefined) return;
    this.started.delete(response);
    const port = request.socket?.localPort;
    const watched = port === undefined ? undefined : this.byPort.get(port);
    watched?.samples.push(performance.now() - t0);
  };

  constructor() {
    diagnostics.subscribe('http.server.request.start', this.onStart);
    diagnostics.subscribe('http.server.response.finish', this.onFinish);
  }

  /** Starts recording requests to `path` on the server listening on `port`. */
  watch(port: number, path: string): ServerSamples {
    const entry = { samples: [] as number[], path };
    this.byPort.set(port, entry);
    return {
      get samples() {
        return entry.samples;
      },
      reset() {
        entry.samples.length = 0;
      },
    };
  }

  unwatch(port: number): void {
    this.byPort.delete(port);
  }

  close(): void {
    diagnostics.unsubscribe('http.server.request.start', this.onStart);
    diagnostics.unsubscribe('http.server.response.finish', this.onFinish);
  }
}

/** Nearest-rank percentile (p in 0..100) of the samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Runs `job(0..n-1)` with at most `concurrency` in flight; results in index order. */
export async function pool<T>(n: number, concurrency: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(n);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      results[i] = await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, () => worker()));
  return results;
}

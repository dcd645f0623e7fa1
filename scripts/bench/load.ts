/** Starts and drives the load-client child process of `npm run bench`. */
import { Child } from './child.js';
import type { RunResult, RunSpec } from './invokes.js';

/** The load client (load-client.ts) in its own process. */
export class LoadClient {
  private constructor(private readonly child: Child) {}

  /** Forks the client and waits until it is ready. */
  static async start(): Promise<LoadClient> {
    return new LoadClient(await Child.fork(new URL('./load-client.ts', import.meta.url), 'load client'));
  }

  /** Sends the invokes of `spec` from the client process; resolves with what it measured. */
  run(spec: RunSpec): Promise<RunResult> {
    return this.child.call<RunResult>('run', { spec });
  }

  /** Stops the client process. */
  close(): Promise<void> {
    return this.child.close();
  }
}

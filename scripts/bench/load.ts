/** Starts and drives the load-client child process of `npm run bench`. */
import { fork, type ChildProcess } from 'node:child_process';
import type { RunResult, RunSpec } from './invokes.js';

type Reply = { ready: true } | { id: number; result: RunResult } | { id: number; error: string };

export class LoadClient {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (r: RunResult) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: Reply) => {
      if ('ready' in m) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if ('error' in m) p?.reject(new Error(`load client: ${m.error}`));
      else p?.resolve(m.result);
    });
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`load client exited (${code})`));
      this.pending.clear();
    });
  }

  /** Forks the client (with this process's tsx loader flags) and waits until it is ready. */
  static async start(): Promise<LoadClient> {
    const child = fork(new URL('./load-client.ts', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`load client exited before it was ready (${code})`)));
    });
    return new LoadClient(child);
  }

  run(spec: RunSpec): Promise<RunResult> {
    const id = ++this.seq;
    return new Promise<RunResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ op: 'run', id, spec });
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.send({ op: 'close' });
    else this.child.kill();
    await exited;
  }
}

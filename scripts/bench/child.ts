/**
 * Helper processes of `npm run bench` (the load client, the rate-limited connector): forked with
 * this process's tsx loader flags, so their work does not compete with the bot's event loop,
 * and driven by request/reply messages over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';

type Reply = { ready: true } | { id: number; value: unknown } | { id: number; error: string };
type Request = { op: string; id: number } & Record<string, unknown>;

/** The parent's end: requests by id, a reply or an error each. */
export class Child {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
  ) {
    child.on('message', (m: Reply) => {
      if ('ready' in m) return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if ('error' in m) p?.reject(new Error(`${name}: ${m.error}`));
      else p?.resolve(m.value);
    });
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`${name} exited (${code})`));
      this.pending.clear();
    });
  }

  /** Forks `module` and waits until it says it is ready. */
  static async fork(module: URL, name: string): Promise<Child> {
    const child = fork(module, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`${name} exited before it was ready (${code})`)));
    });
    return new Child(child, name);
  }

  /** Sends a request and resolves with the child's reply. */
  call<T>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...args, op, id });
    });
  }

  /** Asks the child to close (or kills it when the channel is gone) and waits for it to exit. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.send({ op: 'close', id: 0 });
    else this.child.kill();
    await exited;
  }
}

/**
 * The child's end: answers each request with its handler's value (or error); `close` runs
 * `onClose` and exits, as does losing the parent.
 */
export function serveParent(
  handlers: Record<string, (request: any) => unknown>,
  onClose: () => Promise<void> = async () => undefined,
): void {
  process.on('message', (m: Request) => {
    if (m.op === 'close') {
      void onClose().finally(() => process.exit(0));
      return;
    }
    const handler = handlers[m.op];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown request ${m.op}`);
        return handler(m);
      })
      .then(
        (value) => process.send!({ id: m.id, value }),
        (e: unknown) => process.send!({ id: m.id, error: (e as Error).stack ?? String(e) }),
      );
  });
  // The bench ended or died: nothing more to serve.
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: true });
}

/** Helpers for the service URL tests: an attacker's host, a capturing logger, row counts. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { Harness } from '../helpers/harness.js';

/** A loopback HTTP server standing in for an attacker's service URL; it counts what reaches it. */
export class EvilHost {
  requests: string[] = [];
  url = '';
  private server: Server | null = null;
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'evil-1', userPrincipalName: 'alexw@force.police.uk', aadObjectId: 'aad-coord', name: 'Alex Wilber' }));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }
  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Log lines at warn or above, parsed. */
export function capturingLogger(): { logger: Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

/** Rows in `table`. */
export const count = async (h: Harness, table: 'conversations' | 'users' | 'review_subscriptions' | 'audit_log') =>
  Number(
    (
      await h.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/**
 * A stricter stand-in for the Bot Connector for `npm run bench` (issue 3 delivery figures):
 * like test/helpers/fake-connector.ts it takes the bot's sends, but it also enforces Teams'
 * rate limits with sliding windows — per conversation (7 a second and 60 per 30 seconds by
 * default) and per tenant (50 a second) — and answers 429 with a Retry-After (whole seconds,
 * at least 1, until the window has room) past them. Only accepted sends count in a window.
 * It records how often each message arrived in each conversation (a prompt card by its scheduled
 * review id, a text by its text), so lost, doubled and misdirected messages can be counted.
 *
 * Run as a child process (strict-connector-child.ts) so its own CPU does not compete with the
 * bot's event loop; the windows are measured when a request arrives here, as Teams would.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** At most `max` accepted sends in any `windowMs`. */
export interface Rate {
  max: number;
  windowMs: number;
}

/** The rates enforced per conversation and per tenant. */
export interface Limits {
  perConversation: Rate[];
  perTenant: Rate[];
}

/** What the connector saw since the last reset. */
export interface ConnectorStats {
  /** Activities accepted (200), and answered 429. */
  accepted: number;
  throttled: number;
  /** 429s by scope (a request over both counts as conversation). */
  throttledBy: { conversation: number; tenant: number };
  /** Distinct messages (see `received`) answered 429 at least once. */
  throttledMessages: number;
  /** Personal chats created (POST /v3/conversations). */
  created: number;
  /** How many times each message was accepted, keyed `<conversation id>|<scheduled review id of a prompt, or the text>`. */
  received: Record<string, number>;
  /** Most accepted sends of one tenant in any 1-second window. */
  peakTenantPerSecond: number;
  /** Time from the first to the last accepted send, ms. */
  spanMs: number;
}

/** Sorted timestamps of accepted sends for one key. */
class Window {
  private times: number[] = [];
  private head = 0;

  /** Accepted sends in (now - windowMs, now]. */
  countSince(from: number): number {
    // Binary search for the first time > from, from the live part of the array.
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! > from) hi = mid;
      else lo = mid + 1;
    }
    return this.times.length - lo;
  }

  /** The time of the n-th last accepted send (n >= 1). */
  nthLast(n: number): number {
    return this.times[this.times.length - n]!;
  }

  add(t: number, keepMs: number): void {
    this.times.push(t);
    while (this.head < this.times.length && this.times[this.head]! <= t - keepMs) this.head++;
    if (this.head > 4096) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}

/** The rate-limited connector: an HTTP server on a free loopback port. */
export class StrictConnector {
  private server: Server | null = null;
  private readonly windows = new Map<string, Window>();
  private stats: ConnectorStats = StrictConnector.empty();
  private first = 0;
  private throttledSeen = new Set<string>();
  private seq = 0;
  url = '';

  constructor(private limits: Limits) {}

  private static empty(): ConnectorStats {
    return {
      accepted: 0,
      throttled: 0,
      throttledBy: { conversation: 0, tenant: 0 },
      throttledMessages: 0,
      created: 0,
      received: {},
      peakTenantPerSecond: 0,
      spanMs: 0,
    };
  }

  /** Listens on a free loopback port; `url` is then its service URL. */
  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Closes the server and its connections. */
  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }

  /** Forgets windows and figures; optionally new limits. */
  reset(limits?: Limits): void {
    if (limits) this.limits = limits;
    this.windows.clear();
    this.stats = StrictConnector.empty();
    this.first = 0;
    this.throttledSeen = new Set();
  }

  /** The figures since the last reset. */
  snapshot(): ConnectorStats {
    return this.stats;
  }

  private window(key: string): Window {
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = new Window()));
    return w;
  }

  /** Milliseconds until a send under `key` fits every rate (0: now). */
  private waitMs(key: string, rates: readonly Rate[], now: number): number {
    const w = this.window(key);
    let wait = 0;
    for (const r of rates) {
      if (w.countSince(now - r.windowMs) >= r.max) wait = Math.max(wait, w.nthLast(r.max) + r.windowMs - now);
    }
    return wait;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = (text ? JSON.parse(text) : {}) as {
      text?: string;
      conversation?: { tenantId?: string };
      channelData?: { tenant?: { id?: string } };
      tenantId?: string;
    };
    const prompt = /"scheduledReviewId":"([0-9a-f-]{36})"/.exec(text)?.[1];
    const parts = (req.url ?? '').split('?')[0]!.split('/').filter(Boolean).map(decodeURIComponent);
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    if (req.method === 'GET') return json(404, { error: { code: 'NotFound', message: 'not found' } });
    const tenant = body.conversation?.tenantId ?? body.channelData?.tenant?.id ?? body.tenantId ?? '(no tenant)';
    const creating = parts[1] === 'conversations' && parts.length === 2;
    const conversation = creating ? null : (parts[2] ?? '');
    const message = prompt ?? body.text;
    const key = conversation !== null && message !== undefined ? `${conversation}|${message}` : null;
    const now = performance.now();
    const convWait = conversation === null ? 0 : this.waitMs(`c:${conversation}`, this.limits.perConversation, now);
    const tenantWait = this.waitMs(`t:${tenant}`, this.limits.perTenant, now);
    const wait = Math.max(convWait, tenantWait);
    if (wait > 0) {
      this.stats.throttled++;
      if (convWait > 0) this.stats.throttledBy.conversation++;
      else this.stats.throttledBy.tenant++;
      if (key !== null && !this.throttledSeen.has(key)) {
        this.throttledSeen.add(key);
        this.stats.throttledMessages++;
      }
      return json(
        429,
        { error: { code: 'Throttled', message: 'too many requests' } },
        { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) },
      );
    }
    const longest = (rates: readonly Rate[]) => Math.max(1000, ...rates.map((r) => r.windowMs));
    const tw = this.window(`t:${tenant}`);
    tw.add(now, longest(this.limits.perTenant));
    if (conversation !== null) this.window(`c:${conversation}`).add(now, longest(this.limits.perConversation));
    this.stats.peakTenantPerSecond = Math.max(this.stats.peakTenantPerSecond, tw.countSince(now - 1000));
    if (this.stats.accepted === 0) this.first = now;
    this.stats.accepted++;
    this.stats.spanMs = now - this.first;
    if (creating) {
      this.stats.created++;
      return json(200, { id: `a:bench-created-${++this.seq}` });
    }
    if (key !== null) this.stats.received[key] = (this.stats.received[key] ?? 0) + 1;
    return json(200, { id: `bench-act-${++this.seq}` });
  }
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the bot made to the Bot Connector API. */
export interface ConnectorCall {
  method: string;
  path: string;
  conversationId: string;
  activityId?: string;
  body: Record<string, any>;
  /** The Authorization header the bot sent (its outbound token). */
  authorization?: string;
}

interface Failure {
  status: number;
  retryAfter?: number;
  match?: (call: ConnectorCall) => boolean;
}

/**
 * A local stand-in for Microsoft's Bot Connector service: records every activity the bot sends
 * or updates, answers member look-ups, and fails on demand (429 with Retry-After, 500, 403).
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  /** Conversations the bot created (personal chats), with the parameters it sent. */
  readonly creations: { id: string; body: Record<string, any> }[] = [];
  private readonly failures: Failure[] = [];
  private server: Server | null = null;
  private seq = 0;
  url = '';
  /** Member profiles returned by GET …/members/:id, keyed by Teams user id. */
  readonly members = new Map<string, { id: string; name: string; userPrincipalName?: string; email?: string; aadObjectId?: string }>();

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** The next `times` matching calls fail with this status. */
  failNext(times: number, status: number, options: { retryAfter?: number; match?: (c: ConnectorCall) => boolean } = {}): void {
    for (let i = 0; i < times; i++) this.failures.push({ status, ...options });
  }

  /** New messages posted (sent or replied), optionally to one conversation. */
  posted(conversationId?: string): ConnectorCall[] {
    return this.calls.filter(
      (c) =>
        c.method === 'POST' && !c.body.failedWith && c.conversationId !== '' && (!conversationId || c.conversationId === conversationId),
    );
  }

  /** In-place updates (PUT), optionally to one conversation. */
  updated(conversationId?: string): ConnectorCall[] {
    return this.calls.filter((c) => c.method === 'PUT' && !c.body.failedWith && (!conversationId || c.conversationId === conversationId));
  }

  /** Adaptive Card content of a recorded call, or undefined. */
  static card(call: ConnectorCall | undefined): Record<string, any> | undefined {
    return call?.body?.attachments?.[0]?.content;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? JSON.parse(text) : {};
    const path = (req.url ?? '').split('?')[0]!;
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    // v3 / conversations / :id / (activities | members) / :sub
    const conversationId = parts[2] ?? '';
    const call: ConnectorCall = {
      method: req.method ?? 'GET',
      path,
      conversationId,
      activityId: parts[4],
      body,
      authorization: req.headers.authorization,
    };
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    if (parts[3] === 'members' && req.method === 'GET') {
      const m = this.members.get(parts[4] ?? '');
      return m ? json(200, m) : json(404, { error: { code: 'NotFound', message: 'member not found' } });
    }
    const failIdx = this.failures.findIndex((f) => !f.match || f.match(call));
    if (failIdx >= 0) {
      const f = this.failures.splice(failIdx, 1)[0]!;
      this.calls.push({ ...call, body: { ...body, failedWith: f.status } });
      return json(
        f.status,
        { error: { code: 'Fail', message: `fake failure ${f.status}` } },
        f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {},
      );
    }
    if (parts[1] === 'conversations' && parts.length === 2 && req.method === 'POST') {
      const id = `a:created-${++this.seq}`;
      this.creations.push({ id, body });
      return json(200, { id });
    }
    this.calls.push(call);
    if (req.method === 'PUT') return json(200, { id: call.activityId });
    return json(200, { id: `act-${++this.seq}` });
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { deflateSync, gzipSync } from 'node:zlib';
import { bootHarness, message, occurrence, TEST_KEY, type Harness } from '../helpers/harness.js';

/** A POST over a raw socket (fetch would refuse some of these headers), tolerant of the server closing early. */
function post(h: Harness, path: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${h.bot.url}${path}`,
      { method: 'POST', headers: { 'content-length': String(body.length), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** ~200 KB of gzip that inflates to 200 MB: 200 gzip members of 1 MB of zeros each. */
const bomb = (() => {
  const member = gzipSync(Buffer.alloc(1024 * 1024));
  return Buffer.concat(Array.from({ length: 200 }, () => member));
})();
const corrupt = Buffer.concat([gzipSync(Buffer.from('{"a":1}')).subarray(0, 10), Buffer.from('definitely not deflate data')]);

const feed = { authorization: `Bearer ${TEST_KEY}` };
const routes = [
  { name: '/api/messages', path: '/api/messages', headers: { 'content-type': 'application/json' } },
  { name: '/api/occurrences', path: '/api/occurrences', headers: { 'content-type': 'application/json', ...feed } },
  { name: '/api/imports/actions', path: '/api/imports/actions', headers: { 'content-type': 'text/csv', ...feed } },
];

describe('hostile HTTP bodies on every POST route', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const healthy = async () => expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);

  describe.each(routes)('$name', (route) => {
    it('an encoding the bot does not accept gets 415', async () => {
      const res = await post(h, route.path, { ...route.headers, 'content-encoding': 'br' }, Buffer.from('{}'));
      expect(res.status).toBe(415);
      expect(res.json.errors[0].message).toMatch(/Content-Encoding "br" is not accepted/);
      await healthy();
    });

    it('a body that claims gzip but is corrupt gets 400 and the server carries on', async () => {
      const res = await post(h, route.path, { ...route.headers, 'content-encoding': 'gzip' }, corrupt);
      expect(res.status).toBe(400);
      expect(res.json.errors[0].message).toMatch(/compressed body is corrupt/);
      await healthy();
    });

    it('a gzip bomb (200 KB inflating to 200 MB) gets 413 without the memory to hold it', async () => {
      const before = process.memoryUsage().rss;
      const res = await post(h, route.path, { ...route.headers, 'content-encoding': 'gzip' }, bomb);
      expect(res.status).toBe(413);
      expect(res.json.errors[0].message).toMatch(/after decompression/);
      expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
      await healthy();
    });
  });

  it('valid gzip and deflate JSON is accepted on /api/occurrences', async () => {
    for (const [encoding, pack] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
    ] as const) {
      const res = await post(
        h,
        '/api/occurrences',
        { 'content-type': 'application/json', 'content-encoding': encoding, ...feed },
        pack(Buffer.from(JSON.stringify(occurrence()))),
      );
      expect(res.status).toBe(201);
      expect(res.json.results[0].outcome).toBe('created');
    }
    expect(await h.db.selectFrom('occurrences').selectAll().execute()).toHaveLength(2);
  });

  it('a gzip activity runs its turn in local mode', async () => {
    const before = h.connector.calls.length;
    const res = await post(
      h,
      '/api/messages',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      gzipSync(Buffer.from(JSON.stringify({ serviceUrl: h.connector.url, channelId: 'msteams', ...message('help') }))),
    );
    expect(res.status).toBe(200);
    expect(h.connector.calls.length).toBeGreaterThan(before);
  });

  it('bad JSON gets 400 with a clear message; nothing is stored', async () => {
    const stored = async () =>
      (await h.db.selectFrom('conversations').selectAll().execute()).length +
      (await h.db.selectFrom('occurrences').selectAll().execute()).length;
    const before = await stored();
    for (const path of ['/api/occurrences', '/api/messages']) {
      const res = await post(h, path, { 'content-type': 'application/json', ...feed }, Buffer.from('{"reference": "13/1/26",'));
      expect(res.status).toBe(400);
      expect(res.json.errors[0].message).toMatch(/not valid JSON/);
    }
    expect(await stored()).toBe(before);
    await healthy();
  });

  it('a body declared larger than the limit gets 413 before it is read', async () => {
    const res = await post(
      h,
      '/api/occurrences',
      { 'content-type': 'application/json', ...feed, 'content-length': String(h.config.ingestMaxBodyBytes + 1) },
      Buffer.from('{}'),
    );
    expect(res.status).toBe(413);
    await healthy();
  });

  it('without the feed key a hostile body is not read: 401, never 400 or 413', async () => {
    for (const path of ['/api/occurrences', '/api/imports/users']) {
      for (const body of [corrupt, bomb]) {
        const res = await post(
          h,
          path,
          { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: 'Bearer wrong-key-wrong-key' },
          body,
        );
        expect(res.status).toBe(401);
      }
    }
    await healthy();
  });
});

describe('hostile bodies on /api/messages in authenticated mode', () => {
  const app = {
    MicrosoftAppId: '6f1d0a5e-1c2b-4d3e-8f40-5a6b7c8d9e0f',
    MicrosoftAppPassword: 'client-secret-value',
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
  };
  // Shaped like a JWT, so it passes the header check; the body is read before botbuilder validates it.
  const bearer = { 'content-type': 'application/json', authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln' };

  it('without a bearer token nothing is read (401); with one, the body rules apply (415, 400, 413); the server carries on', async () => {
    const h = await bootHarness(app);
    try {
      const gz = { 'content-encoding': 'gzip' };
      expect((await post(h, '/api/messages', { 'content-type': 'application/json', ...gz }, corrupt)).status).toBe(401);
      expect((await post(h, '/api/messages', { 'content-type': 'application/json', ...gz }, bomb)).status).toBe(401);
      expect((await post(h, '/api/messages', { ...bearer, 'content-encoding': 'br' }, Buffer.from('{}'))).status).toBe(415);
      expect((await post(h, '/api/messages', { ...bearer, ...gz }, corrupt)).status).toBe(400);
      expect((await post(h, '/api/messages', { ...bearer, ...gz }, bomb)).status).toBe(413);
      expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

describe('slow clients', () => {
  it('a client that stalls in its headers or its body is disconnected; the server carries on', async () => {
    const { connect } = await import('node:net');
    const h = await bootHarness({}, { httpLimits: { idleSocketMs: 300 } });
    try {
      const stalled = (partial: string) =>
        new Promise<void>((resolve, reject) => {
          const socket = connect(h.bot.port, '127.0.0.1', () => socket.write(partial));
          socket.on('error', reject);
          socket.on('close', () => resolve()); // the server hung up; without the limit this waits until the test times out
          socket.resume();
        });
      await stalled('POST /api/occurrences HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n');
      await stalled(
        `POST /api/occurrences HTTP/1.1\r\nHost: bot\r\nAuthorization: Bearer ${TEST_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"refer`,
      );
      expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

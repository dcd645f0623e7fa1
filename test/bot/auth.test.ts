import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MicrosoftAppCredentials, PasswordServiceClientCredentialFactory, type ServiceClientCredentials } from 'botframework-connector';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { bootHarness, channel, message, type Harness } from '../helpers/harness.js';
import { nowSeconds, OpenIdFake, type Claims } from '../helpers/openid-fake.js';

const APP_ID = '6f1d0a5e-1c2b-4d3e-8f40-5a6b7c8d9e0f';
const TENANT = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
const ISSUER = 'https://api.botframework.com';

/** Outbound credentials without Entra ID: every call to the connector carries this token. */
class OutboundCredentials extends PasswordServiceClientCredentialFactory {
  constructor() {
    super(APP_ID, 'unused', TENANT);
  }
  override async createCredentials(appId: string, audience: string): Promise<ServiceClientCredentials> {
    if (appId !== APP_ID) throw new Error('Invalid appId.');
    const credentials = new MicrosoftAppCredentials(appId, 'unused', TENANT, audience);
    credentials.getToken = async () => 'outbound-test-token';
    return credentials;
  }
}

/** A harness in authenticated mode whose channel keys come from `keys`; logs kept in `lines`. */
async function bootAuthenticated(keys: { metadataUrl: string }, lines: Record<string, unknown>[]): Promise<Harness> {
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return bootHarness(
    {
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'client-secret-value',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: TENANT,
      ToBotFromChannelOpenIdMetadataUrl: keys.metadataUrl,
      ToBotFromChannelTokenIssuer: ISSUER,
      ToBotFromEmulatorOpenIdMetadataUrl: keys.metadataUrl,
      // The fake connector is on loopback http: allowed outside production when listed.
      SERVICE_URL_ALLOWLIST: 'http://127.0.0.1:',
    },
    { logger: pino({ level: 'info' }, sink), credentialsFactory: new OutboundCredentials() },
  );
}

/** Posts an activity to /api/messages as the Bot Connector would, with `token` as the bearer. */
async function deliver(h: Harness, activity: Record<string, unknown>, token?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${h.bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ serviceUrl: h.connector.url, channelId: 'msteams', ...activity }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, text: await res.text() };
}

describe('Teams authentication with a correctly signed token', () => {
  const keys = new OpenIdFake();
  const lines: Record<string, unknown>[] = [];
  let h: Harness;
  const claims = (over: Claims = {}): Claims => ({
    iss: ISSUER,
    aud: APP_ID,
    serviceurl: h.connector.url,
    nbf: nowSeconds() - 60,
    exp: nowSeconds() + 3600,
    ...over,
  });

  beforeAll(async () => {
    await keys.start();
    h = await bootAuthenticated(keys, lines);
  });
  afterAll(async () => {
    await h.close();
    await keys.stop();
  });

  it('a valid token runs the turn: the bot answers through the connector with its own outbound token', async () => {
    const res = await deliver(h, message('help'), keys.sign(claims()));
    expect(res.status).toBe(200);
    const replies = h.connector.posted(channel.id);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies[0]!.authorization).toBe('Bearer outbound-test-token');
    expect(await h.db.selectFrom('conversations').selectAll().execute()).toHaveLength(1);
    expect(keys.hits).toContain('/v1/.well-known/keys'); // the keys came from the configured endpoint
  });

  const forged: [string, () => string][] = [
    ['expired', () => keys.sign(claims({ nbf: nowSeconds() - 7200, exp: nowSeconds() - 3600 }))],
    ['not yet valid', () => keys.sign(claims({ nbf: nowSeconds() + 3600, exp: nowSeconds() + 7200 }))],
    ['for another bot (audience)', () => keys.sign(claims({ aud: '11111111-2222-4333-8444-555555555555' }))],
    ['from another issuer', () => keys.sign(claims({ iss: 'https://login.example.org' }))],
    ['signed with an unknown key (kid)', () => keys.sign(claims(), { key: 'stranger', kid: 'unknown-key' })],
    ['signed with another key under the known kid', () => keys.sign(claims(), { key: 'stranger' })],
    ['unsigned (alg none)', () => keys.sign(claims(), { alg: 'none' })],
    ['unsigned (alg none) with a signature part', () => `${keys.sign(claims(), { alg: 'none' })}c2lnbmF0dXJl`],
    ['HS256 keyed with the public key', () => keys.sign(claims(), { alg: 'HS256' })],
    ['for another serviceUrl', () => keys.sign(claims({ serviceurl: 'https://smba.trafficmanager.net/emea/' }))],
    ['not a JWT', () => 'not-a-token'],
  ];

  it.each(forged)('a token %s gets 401 without running the turn, with one warn line and no detail in the answer', async (_case, token) => {
    const before = { calls: h.connector.calls.length, logs: lines.length };
    await h.db.deleteFrom('conversations').execute();
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const res = await deliver(h, message('subscribe'), token());
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toEqual({ error: 'unauthorized' });
      expect(h.connector.calls.length).toBe(before.calls);
      expect(await h.db.selectFrom('conversations').selectAll().execute()).toHaveLength(0);
      expect(await h.db.selectFrom('review_subscriptions').selectAll().execute()).toHaveLength(0);
      const logged = lines.slice(before.logs).filter((l) => (l.level as number) >= 40);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ level: 40, status: 401, msg: 'activity refused' });
      expect(String(logged[0]!.reason).length).toBeLessThanOrEqual(120);
      expect(JSON.stringify(logged[0])).not.toMatch(/stack|\n/);
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });

  it('an activity without a token is refused before its body is read', async () => {
    const res = await fetch(`${h.bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: 'not gzip at all',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'unauthorized' });
  });
});

describe('Teams authentication when the key endpoint fails', () => {
  it('a silent key endpoint gets 503 within 10 seconds; no internal detail in the answer; the bot still answers', async () => {
    const silent = new OpenIdFake('silent');
    const valid = new OpenIdFake();
    await silent.start();
    await valid.start();
    const lines: Record<string, unknown>[] = [];
    const h = await bootAuthenticated(silent, lines);
    try {
      const token = valid.sign({ iss: ISSUER, aud: APP_ID, serviceurl: h.connector.url, nbf: nowSeconds() - 60, exp: nowSeconds() + 3600 });
      const res = await deliver(h, message('help'), token);
      expect(res.status).toBe(503);
      expect(JSON.parse(res.text)).toEqual({ error: 'unavailable' });
      expect(silent.hits.length).toBeGreaterThan(0);
      expect(h.connector.calls).toHaveLength(0);
      expect(lines.filter((l) => l.msg === 'activity refused')).toMatchObject([{ level: 40, status: 503 }]);
      expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);
    } finally {
      await h.close();
      await silent.stop();
      await valid.stop();
    }
  });

  it('an unreachable key endpoint gets 503 without naming it', async () => {
    const gone = new OpenIdFake();
    await gone.start();
    const metadataUrl = gone.metadataUrl;
    await gone.stop(); // nothing listens there any more
    const lines: Record<string, unknown>[] = [];
    const h = await bootAuthenticated({ metadataUrl }, lines);
    try {
      const signer = new OpenIdFake();
      const res = await deliver(
        h,
        message('help'),
        signer.sign({ iss: ISSUER, aud: APP_ID, serviceurl: h.connector.url, nbf: nowSeconds() - 60, exp: nowSeconds() + 3600 }),
      );
      expect(res.status).toBe(503);
      expect(res.text).toBe('{"error":"unavailable"}');
      expect(h.connector.calls).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});

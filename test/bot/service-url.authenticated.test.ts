/** The service URL allow-list in authenticated mode (the default list), and the SERVICE_URL_ALLOWLIST setting. */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.js';
import { bootHarness, message, type Harness } from '../helpers/harness.js';
import { count } from './service-url.helpers.js';

describe('service URL allow-list (authenticated mode, default list)', () => {
  const auth = {
    MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
    MicrosoftAppPassword: 'secret-value',
    MicrosoftAppType: 'MultiTenant',
  };
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });

  it('refuses look-alikes of the Teams service URL before checking the token; the real one goes on to token validation', async () => {
    h = await bootHarness(auth);
    const post = async (serviceUrl: string) =>
      (
        await fetch(`${h!.bot.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${FORGED_JWT}` },
          body: JSON.stringify({ ...message('subscribe'), serviceUrl, channelId: 'msteams' }),
        })
      ).status;
    for (const lookalike of [
      'https://smba.trafficmanager.net.evil.example/teams/',
      'https://smba.trafficmanager.net@evil.example/teams/',
      'http://smba.trafficmanager.net/teams/',
      'https://smba.trafficmanager.net:8443/teams/',
      'https://evil.example/',
    ]) {
      expect(await post(lookalike), lookalike).toBe(403);
    }
    // Trusted: the adapter checks the (bogus) token and answers 401; nothing is contacted.
    expect(await post('https://smba.trafficmanager.net/emea/')).toBe(401);
    expect(await count(h, 'conversations')).toBe(0);
    expect(h.connector.calls).toHaveLength(0);
  });
});

/** Well-formed (header.payload.signature) but signed by nobody: gets past the header check to the allow-list. */
const FORGED_JWT =
  [
    { alg: 'RS256', typ: 'JWT', kid: 'nobody' },
    { aud: 'x', iss: 'y' },
  ]
    .map((p) => Buffer.from(JSON.stringify(p)).toString('base64url'))
    .join('.') + '.c2ln';

describe('SERVICE_URL_ALLOWLIST setting', () => {
  const auth = {
    MicrosoftAppId: '6f1d0a5e-1c2b-4d3e-8f40-5a6b7c8d9e0f',
    MicrosoftAppPassword: 'client-secret-value',
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
    INGEST_API_KEY: '0123456789abcdef0123456789abcdef',
  };
  const production = { ...auth, NODE_ENV: 'production', DATABASE_URL: 'postgres://hcc@db.example/hcc' };
  it('defaults to the public Teams service URL when authenticated and to loopback in local mode', () => {
    expect(loadConfig(auth).serviceUrlAllowlist.map((p) => p.text)).toEqual(['https://smba.trafficmanager.net/']);
    expect(loadConfig({}).serviceUrlAllowlist.map((p) => p.text)).toEqual(['http://127.0.0.1:', 'http://localhost:', 'http://[::1]:']);
  });

  it('fails fast on http beyond loopback, and on any http prefix in production', () => {
    expect(() => loadConfig({ ...auth, SERVICE_URL_ALLOWLIST: 'https://smba.trafficmanager.net/,http://bot.example.org/' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ ...production, SERVICE_URL_ALLOWLIST: 'http://127.0.0.1:' })).toThrow(
      /SERVICE_URL_ALLOWLIST: "http:\/\/127.0.0.1:" must use https with NODE_ENV=production/,
    );
    // A local stand-in connector outside production: loopback only, and only when listed.
    expect(loadConfig({ ...auth, SERVICE_URL_ALLOWLIST: 'http://127.0.0.1:' }).serviceUrlAllowlist.map((p) => p.text)).toEqual([
      'http://127.0.0.1:',
    ]);
    expect(() => loadConfig({ SERVICE_URL_ALLOWLIST: 'http://bot.example.org/' })).toThrow(/only on 127.0.0.1, localhost or \[::1\]/);
    expect(() => loadConfig({ SERVICE_URL_ALLOWLIST: 'smba.trafficmanager.net' })).toThrow(/not a URL prefix/);
    expect(
      loadConfig({
        ...auth,
        SERVICE_URL_ALLOWLIST: 'https://smba.trafficmanager.net/teams/, https://smba.infra.gcc.teams.microsoft.com/teams',
      }).serviceUrlAllowlist,
    ).toHaveLength(2);
  });
});

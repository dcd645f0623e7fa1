/** Settings fail closed: loopback without credentials, production refusals, app types, endpoint settings, and `npm start` exiting on bad settings. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.js';

describe('settings fail closed', () => {
  const key32 = 'k'.repeat(32);
  const single = {
    MicrosoftAppId: '6f1d0a5e-1c2b-4d3e-8f40-5a6b7c8d9e0f',
    MicrosoftAppPassword: 'client-secret-value',
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
    INGEST_API_KEY: key32,
  };
  const production = { ...single, NODE_ENV: 'production', DATABASE_URL: 'postgres://bot@db.internal/hcc' };

  it('without credentials the bot listens on loopback only and refuses any other HOST', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST: "0.0.0.0" would expose a bot that authenticates no one/);
    expect(() => loadConfig({ HOST: '10.1.2.3', DATABASE_URL: 'postgres://x/y', MicrosoftAppTenantId: '' })).toThrow(/loopback only/);
    expect(loadConfig(single).host).toBe('0.0.0.0');
  });

  it('NODE_ENV=production refuses to start without credentials, with the development key, a short key or the embedded database', () => {
    expect(loadConfig(production).production).toBe(true);
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', INGEST_API_KEY: key32 })).toThrow(
      /Microsoft app credentials are required/,
    );
    expect(() => loadConfig({ ...production, INGEST_API_KEY: 'local-dev-ingest-key' })).toThrow(/local development key is public/);
    expect(() => loadConfig({ ...production, INGEST_API_KEY: 'k'.repeat(31) })).toThrow(/at least 32 characters in production/);
    expect(() => loadConfig({ ...production, DATABASE_URL: undefined })).toThrow(/DATABASE_URL: required in production/);
    // every problem at once, one per line
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /credentials are required[\s\S]*INGEST_API_KEY: required in production[\s\S]*DATABASE_URL/,
    );
  });

  it('authenticated mode refuses the development feed key even when set explicitly', () => {
    expect(() => loadConfig({ ...single, INGEST_API_KEY: 'local-dev-ingest-key' })).toThrow(/local development key is public/);
    expect(() => loadConfig({ ...single, INGEST_API_KEY: undefined })).toThrow(/INGEST_API_KEY: required with Microsoft app credentials/);
  });

  it('checks each app type: SingleTenant, UserAssignedMSI and (existing registrations only) MultiTenant', () => {
    expect(loadConfig(single).microsoftApp).toMatchObject({
      appType: 'SingleTenant',
      tenantId: single.MicrosoftAppTenantId,
      appPassword: 'client-secret-value',
    });
    expect(() => loadConfig({ ...single, MicrosoftAppTenantId: undefined })).toThrow(/MicrosoftAppTenantId: required for SingleTenant/);
    expect(() => loadConfig({ ...single, MicrosoftAppPassword: undefined })).toThrow(/MicrosoftAppPassword: required for SingleTenant/);
    const msi = { ...single, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppPassword: undefined };
    const m = loadConfig(msi).microsoftApp!;
    expect(m.appType).toBe('UserAssignedMSI');
    expect(m.appPassword).toBeUndefined();
    expect(() => loadConfig({ ...msi, MicrosoftAppPassword: 'left-over-secret' })).toThrow(/must not be set for UserAssignedMSI/);
    expect(() => loadConfig({ ...msi, MicrosoftAppTenantId: undefined })).toThrow(/MicrosoftAppTenantId: required for UserAssignedMSI/);
    const multi = loadConfig({ ...single, MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: undefined });
    expect(multi.microsoftApp?.appType).toBe('MultiTenant');
    expect(multi.warnings.join('\n')).toMatch(/no longer creates MultiTenant bots/);
    expect(loadConfig(single).warnings).toEqual([]);
    expect(() => loadConfig({ ...single, MicrosoftAppType: undefined })).toThrow(
      /MicrosoftAppType: required when MicrosoftAppTenantId is set/,
    );
    expect(() => loadConfig({ ...single, MicrosoftAppType: 'Personal' })).toThrow(
      /MicrosoftAppType must be SingleTenant, UserAssignedMSI or MultiTenant/,
    );
    expect(() => loadConfig({ ...single, MicrosoftAppId: 'my-bot' })).toThrow(/MicrosoftAppId: must be a GUID/);
    expect(() => loadConfig({ MicrosoftAppPassword: 'secret', INGEST_API_KEY: key32 })).toThrow(/MicrosoftAppId: required/);
  });

  it("passes botbuilder's endpoint settings through, filling the rest from the cloud's defaults", async () => {
    const { authOptions, createAdapter } = await import('../../bot/teams-auth.js');
    const custom = loadConfig({
      ...single,
      ToBotFromChannelOpenIdMetadataUrl: 'https://keys.example.org/openid',
      ToChannelFromBotLoginUrl: 'https://login.example.org/tenant',
      OAuthUrl: 'https://token.example.org',
    });
    expect(authOptions(custom.microsoftApp!)).toMatchObject({
      MicrosoftAppId: single.MicrosoftAppId,
      MicrosoftAppTenantId: single.MicrosoftAppTenantId,
      ToBotFromChannelOpenIdMetadataUrl: 'https://keys.example.org/openid',
      ToChannelFromBotLoginUrl: 'https://login.example.org/tenant',
      OAuthUrl: 'https://token.example.org',
      ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    });
    const gov = loadConfig({
      ...single,
      ChannelService: 'https://botframework.azure.us',
      ToBotFromChannelTokenIssuer: 'https://api.botframework.us',
    });
    expect(authOptions(gov.microsoftApp!)).toMatchObject({
      ChannelService: 'https://botframework.azure.us',
      ToChannelFromBotLoginUrl: 'https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us',
    });
    expect(() => loadConfig({ ...single, ChannelService: 'https://bots.sovereign.example' })).toThrow(
      /not a built-in cloud.*ToBotFromChannelOpenIdMetadataUrl/,
    );
    expect(() => loadConfig({ ...single, ToChannelFromBotLoginUrl: 'login' })).toThrow(/ToChannelFromBotLoginUrl must be a URL/);
    // every app type builds an adapter (botbuilder checks the combination again)
    for (const env of [
      single,
      { ...single, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppPassword: undefined },
      { ...single, MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: undefined },
    ]) {
      expect(() => createAdapter(loadConfig(env))).not.toThrow();
    }
  });

  it('`npm start` with NODE_ENV=production and no credentials exits with code 78 and the list of problems', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(78);
    expect(stderr).toMatch(/Microsoft app credentials are required/);
    expect(stderr).toMatch(/DATABASE_URL: required in production/);
  });
});

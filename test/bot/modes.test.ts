import { describe, expect, it } from 'vitest';
import { FakeConnector } from '../helpers/fake-connector.js';
import { sql } from 'kysely';
import { bootHarness, channel, dbKind, freshDatabase, message, occurrence, people } from '../helpers/harness.js';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../../bot/config.js';

describe('modes, restarts and roles', () => {
  it('keeps conversation references across a restart: a channel subscribed before it still gets cards after', async () => {
    const fresh = await freshDatabase();
    const connector = new FakeConnector();
    await connector.start();
    try {
      const first = await bootHarness({}, { shared: { db: fresh.db, connector } });
      await first.send(message('subscribe'));
      await first.close();
      const second = await bootHarness({}, { shared: { db: fresh.db, connector } });
      await second.ingest(occurrence());
      await second.bot.dispatcher.drain();
      expect(connector.posted(channel.id).filter((c) => FakeConnector.card(c))).toHaveLength(1);
      await second.close();
    } finally {
      await connector.stop();
      await fresh.drop();
    }
  });

  it('authenticated mode refuses an activity without a valid token and does not act on it', async () => {
    const h = await bootHarness({
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'secret-value',
      MicrosoftAppType: 'MultiTenant',
    });
    try {
      const res = await h.send(message('subscribe'));
      expect(res.status).toBe(401);
      expect(await h.db.selectFrom('review_subscriptions').selectAll().execute()).toHaveLength(0);
      expect(h.connector.calls).toHaveLength(0);
      const health = await (await fetch(`${h.bot.url}/healthz`)).json();
      expect(health).toMatchObject({ status: 'ok', mode: 'authenticated' });
    } finally {
      await h.close();
    }
  });

  it('local mode accepts the Playground without a token; once a roster exists only coordinators may subscribe', async () => {
    const h = await bootHarness();
    try {
      expect((await h.send(message('subscribe'))).status).toBe(200);
      expect(await h.db.selectFrom('review_subscriptions').selectAll().execute()).toHaveLength(1);
      await h.db
        .insertInto('users')
        .values({
          upn: 'someone@force.police.uk',
          name: 'Someone',
          roles: ['officer'],
          districts: [],
          on_roster: true,
          teams_id: null,
          aad_object_id: null,
        })
        .execute();
      await h.send(message('unsubscribe', people.officer));
      expect(h.connector.posted(channel.id).at(-1)?.body.text).toContain('only a coordinator (or an admin) can stop review cards');
      expect(await h.db.selectFrom('review_subscriptions').selectAll().execute()).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('local mode with no roster: the Playground user is a force-wide coordinator and manager, and the log says so once', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const h = await bootHarness({}, { logger });
    try {
      await h.ingest(occurrence({ district: 'Wakefield' }));
      await h.send(message('help'));
      await h.send(message('subscribe'));
      expect(h.connector.posted(channel.id).at(-1)?.body.text).toContain('review channel for every district');
      const told = lines.filter((l) => l.includes('force-wide coordinator and manager'));
      expect(told).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('learns the UPN from Teams and applies roster roles to that user', async () => {
    const h = await bootHarness();
    try {
      h.connector.members.set(people.officer.id, {
        id: people.officer.id,
        name: 'Megan Bowen',
        userPrincipalName: 'meganb@force.police.uk',
      });
      await h.db
        .insertInto('users')
        .values({
          upn: 'meganb@force.police.uk',
          name: 'Megan Bowen',
          roles: ['coordinator'],
          districts: ['Leeds'],
          on_roster: true,
          teams_id: null,
          aad_object_id: null,
        })
        .execute();
      await h.send(message('subscribe Leeds', people.officer));
      expect(h.connector.posted(channel.id).at(-1)?.body.text).toContain('review channel for Leeds');
      const users = await h.db.selectFrom('users').selectAll().where('upn', '=', 'meganb@force.police.uk').execute();
      expect(users).toHaveLength(1);
      expect(users[0]!.teams_id).toBe(people.officer.id);
    } finally {
      await h.close();
    }
  });

  it('fails fast with a clear message on bad settings', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ MicrosoftAppId: 'abc' })).toThrow(/MicrosoftAppPassword/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must start with postgres/);
    expect(() => loadConfig({ MicrosoftAppId: 'a', MicrosoftAppPassword: 'b' })).toThrow(/INGEST_API_KEY/);
  });
});

describe('one embedded database, one process', () => {
  it('a second process cannot open the embedded database folder while the first holds it; it can once the first closes', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openDatabase, DatabaseBusyError } = await import('../../db/database.js');
    const dir = join(mkdtempSync(join(tmpdir(), 'hcc-lock-')), 'pglite');
    const first = await openDatabase({ kind: 'pglite', dir, lockWaitSeconds: 0 });
    await expect(openDatabase({ kind: 'pglite', dir, lockWaitSeconds: 0 })).rejects.toBeInstanceOf(DatabaseBusyError);
    await first.destroy();
    const second = await openDatabase({ kind: 'pglite', dir, lockWaitSeconds: 0 });
    await second.destroy();
  });

  it('a port already in use is reported as such, not as a crash', async () => {
    const { startBot, PortInUseError } = await import('../../bot/app.js');
    const h = await bootHarness();
    try {
      const config = loadConfig({ PORT: String(h.bot.port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
      await expect(startBot(config, { db: h.db, dispatcher: false, jobs: false })).rejects.toBeInstanceOf(PortInUseError);
    } finally {
      await h.close();
    }
  });
});

describe('upgrades', () => {
  it('landed migrations are unchanged (a database that ran one would never see an edit)', async () => {
    const { readFileSync } = await import('node:fs');
    const { createHash } = await import('node:crypto');
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/landed-migrations.json', import.meta.url), 'utf8')) as {
      landed: Record<string, string>;
    };
    for (const [name, hash] of Object.entries(fixture.landed)) {
      const text = readFileSync(new URL(`../../db/migrations/${name}.ts`, import.meta.url));
      expect(`${name} ${createHash('sha256').update(text).digest('hex')}`).toBe(`${name} ${hash}`);
    }
  });

  it('a database migrated by the last landed release (up to 2026-11-21T02) upgrades to the current schema at start', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { Kysely, Migrator } = await import('kysely');
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGliteDialect } = await import('kysely-pglite-dialect');
    const { openDatabase, MIGRATIONS } = await import('../../db/database.js');
    const dir = join(mkdtempSync(join(tmpdir(), 'hcc-upgrade-')), 'pglite');
    const old = new Kysely<unknown>({ dialect: new PGliteDialect(new PGlite(dir)) });
    const landed = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name <= '2026-11-21T02-summaries')); // as they landed (checked above)
    expect(Object.keys(landed)).toHaveLength(4);
    const first = await new Migrator({ db: old, provider: { getMigrations: async () => landed } }).migrateToLatest();
    expect(first.error).toBeUndefined();
    await old.destroy();

    const db = await openDatabase({ kind: 'pglite', dir, lockWaitSeconds: 0 });
    try {
      const meeting = await db
        .insertInto('meetings')
        .values({
          kind: 'tactical',
          starts_at: new Date('2026-12-08T10:00:00Z'),
          recurrence: 'monthly',
          series_id: null,
          conversation_id: null,
          created_by: null,
          pack_posted_at: null,
          prompts_sent_at: new Date(),
        })
        .returning(['prompts_sent_at'])
        .executeTakeFirstOrThrow();
      expect(meeting.prompts_sent_at).toBeInstanceOf(Date);
      const { sql } = await import('kysely');
      expect((await sql`select count(*)::int as n from summary_exports`.execute(db)).rows).toEqual([{ n: 0 }]);
    } finally {
      await db.destroy();
    }
  });
});

describe.skipIf(dbKind !== 'postgres')('a PostgreSQL server that drops connections', () => {
  it('the bot carries on when the server terminates its idle connections (restart, failover)', async () => {
    const pg = (await import('pg')).default;
    const h = await bootHarness();
    try {
      expect((await h.ingest(occurrence())).status).toBe(201); // the pool now holds idle connections
      const { current_database: name } = (await sql<{ current_database: string }>`select current_database()`.execute(h.db)).rows[0]!;
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      const killed = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      await admin.end();
      expect(killed.rowCount).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 200)); // let the pool see the closed sockets
      expect((await h.ingest(occurrence())).status).toBe(201);
      expect((await fetch(`${h.bot.url}/healthz`)).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});

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

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.js';
import { FakeConnector } from '../helpers/fake-connector.js';
import {
  bootHarness,
  channel,
  executeInvoke,
  freshDatabase,
  message,
  occurrence,
  people,
  personal,
  resetDatabase,
  type Harness,
} from '../helpers/harness.js';
import { knownUser } from '../helpers/teams.js';
import { enqueueMessages } from '../../db/outbox/outbox.service.js';
import { rememberTeamsUser } from '../../db/users/users.service.js';
import { sql } from 'kysely';

/** A loopback HTTP server standing in for an attacker's service URL; it counts what reaches it. */
class EvilHost {
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
function capturingLogger(): { logger: Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

const count = async (h: Harness, table: 'conversations' | 'users' | 'review_subscriptions' | 'audit_log') =>
  Number(
    (
      await h.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('service URL allow-list (local mode, allow-list = the fake connector only)', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  const connector = new FakeConnector();
  const evil = new EvilHost();
  const log = capturingLogger();
  let h: Harness;

  beforeAll(async () => {
    fresh = await freshDatabase();
    await connector.start();
    await evil.start();
    h = await bootHarness({ SERVICE_URL_ALLOWLIST: connector.url }, { shared: { db: fresh.db, connector }, logger: log.logger });
  });
  afterAll(async () => {
    await h?.close();
    await connector.stop();
    await evil.stop();
    await fresh?.drop();
  });
  beforeEach(async () => {
    await resetDatabase(fresh.db);
    connector.calls.length = 0;
    connector.creations.length = 0;
    connector.members.clear();
    evil.requests = [];
    log.lines.length = 0;
  });

  const refusedCases = (): [string, string | undefined][] => [
    ['another loopback port', evil.url],
    ['https://evil.example/', 'https://evil.example/'],
    [
      'the trusted host and port as user name, evil host behind it',
      `${connector.url.replace(/\/$/, '')}@${evil.url.slice('http://'.length)}`,
    ],
    ['no service URL', undefined],
  ];

  it('refuses activities naming an untrusted service URL (or none) with 403: no turn runs, nothing is stored, nobody is contacted, one warn line each; the trusted one works', async () => {
    connector.members.set(people.coordinator.id, {
      id: people.coordinator.id,
      name: 'Alex Wilber',
      userPrincipalName: 'alexw@force.police.uk',
    });
    for (const [label, serviceUrl] of refusedCases()) {
      log.lines.length = 0;
      for (const activity of [
        message('subscribe'),
        message('help', people.coordinator, personal(people.coordinator)),
        executeInvoke('review.submit', {}, 'card-1'),
      ]) {
        const res = await h.send({ ...activity, serviceUrl });
        expect(res.status, `${label}: ${String(activity.type)}`).toBe(403);
      }
      const warns = log.lines.filter((l) => l.level === 40);
      expect(warns, label).toHaveLength(3);
      expect(warns[0]).toMatchObject({ serviceUrlOrigin: serviceUrl ? new URL(serviceUrl).origin : '(none)' });
      expect(warns[0]!.msg).toContain('SERVICE_URL_ALLOWLIST');
    }
    expect(await count(h, 'conversations')).toBe(0);
    expect(await count(h, 'users')).toBe(0);
    expect(await count(h, 'review_subscriptions')).toBe(0);
    expect(connector.calls).toHaveLength(0);
    expect(evil.requests).toEqual([]);

    // The same command from the trusted service URL runs, and its reply goes there.
    log.lines.length = 0;
    expect((await h.send(message('subscribe'))).status).toBe(200);
    expect(await count(h, 'review_subscriptions')).toBe(1);
    expect(connector.posted(channel.id).at(-1)?.body.text).toContain('now a review channel');
    expect(evil.requests).toEqual([]);
    expect(log.lines.filter((l) => l.level === 40)).toHaveLength(0);
  });

  it('does not send a proactive message to a stored reference whose service URL is no longer trusted; the message is marked dead with the reason', async () => {
    await h.send(message('subscribe'));
    await h.db
      .updateTable('conversations')
      .set({
        reference: JSON.stringify({
          ...((await h.db.selectFrom('conversations').select('reference').where('id', '=', channel.id).executeTakeFirstOrThrow())
            .reference as object),
          serviceUrl: evil.url,
        }),
      })
      .where('id', '=', channel.id)
      .execute();
    const before = connector.calls.length;
    expect((await h.ingest(occurrence())).status).toBe(201);
    await h.bot.dispatcher.drain();
    expect(evil.requests).toEqual([]);
    expect(connector.calls.slice(before)).toHaveLength(0);
    const rows = await h.db.selectFrom('outbox').select(['status', 'last_error']).where('conversation_id', '=', channel.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('dead');
    expect(rows[0]!.last_error).toContain(new URL(evil.url).origin);
    expect(rows[0]!.last_error).toContain('SERVICE_URL_ALLOWLIST');
    expect(log.lines.some((l) => l.level === 40 && l.serviceUrlOrigin === new URL(evil.url).origin && l.outboxId)).toBe(true);
  });

  it('opens a personal chat only through a trusted service URL, even when the most recent stored conversation names another', async () => {
    const officerId = await knownUser(h, {
      id: people.officer.id,
      aadObjectId: people.officer.aadObjectId,
      name: 'Megan Bowen',
      upn: 'meganb@force.police.uk',
    });
    await h.send(message('help'));
    const other = { ...channel, id: '19:other@thread.tacv2', name: 'Other' };
    await h.send(message('help', people.coordinator, other));
    // The newest conversation now names the untrusted host.
    await sql`update conversations set reference = jsonb_set(reference::jsonb, '{serviceUrl}', to_jsonb(${evil.url}::text)), updated_at = now() + interval '1 hour' where id = ${other.id}`.execute(
      h.db,
    );
    await enqueueMessages(
      h.db,
      [{ dedupeKey: 'hello-officer', conversationId: `user:${officerId}`, payload: { type: 'text', text: 'Hello Megan' } }],
      h.clock.now(),
    );
    await h.bot.dispatcher.drain();
    expect(evil.requests).toEqual([]);
    expect(connector.creations.map((c) => c.body.members?.[0]?.id)).toEqual([people.officer.id]);
    const row = await h.db.selectFrom('outbox').select(['status']).where('dedupe_key', '=', 'hello-officer').executeTakeFirstOrThrow();
    expect(row.status).toBe('sent');
  });

  it('a local activity forging another user’s AAD object id does not get that user’s roles, nor take over their row', async () => {
    await knownUser(
      h,
      { id: people.coordinator.id, aadObjectId: people.coordinator.aadObjectId, name: 'Alex Wilber', upn: 'alexw@force.police.uk' },
      { roles: ['coordinator'], districts: ['*'], onRoster: true },
    );
    const mallory = { id: '29:mallory', aadObjectId: people.coordinator.aadObjectId, name: 'Alex Wilber' };
    await h.send(message('subscribe', mallory));
    expect(connector.posted(channel.id).at(-1)?.body.text).toMatch(/only a coordinator/i);
    expect(await count(h, 'review_subscriptions')).toBe(0);
    const alex = await h.db
      .selectFrom('users')
      .select(['teams_id', 'aad_object_id'])
      .where('upn', '=', 'alexw@force.police.uk')
      .executeTakeFirstOrThrow();
    expect(alex).toEqual({ teams_id: people.coordinator.id, aad_object_id: people.coordinator.aadObjectId });
    // The real coordinator still holds their roles.
    await h.send(message('subscribe'));
    expect(connector.posted(channel.id).at(-1)?.body.text).toContain('now a review channel');
  });

  it('an unproven AAD object id (e.g. an @mention in local mode) never moves a user row to another Teams account; an authenticated one may', async () => {
    const alexId = await knownUser(
      h,
      { id: people.coordinator.id, aadObjectId: 'aad-coord', name: 'Alex Wilber', upn: 'alexw@force.police.uk' },
      { roles: ['coordinator'], onRoster: true },
    );
    const forged = await rememberTeamsUser(h.db, { teamsId: '29:mallory', aadObjectId: 'aad-coord', name: 'Alex Wilber', upn: null });
    expect(forged.id).not.toBe(alexId);
    expect(forged).toMatchObject({ roles: [], aadObjectId: null });
    expect(await h.db.selectFrom('users').select('teams_id').where('id', '=', alexId).executeTakeFirstOrThrow()).toEqual({
      teams_id: people.coordinator.id,
    });
    // Authenticated: Teams vouches for the AAD object id (e.g. the bot was registered again and Teams ids changed).
    const moved = await rememberTeamsUser(
      h.db,
      { teamsId: '29:coord-new', aadObjectId: 'aad-coord', name: 'Alex Wilber', upn: null },
      { rebind: true },
    );
    expect(moved).toMatchObject({ id: alexId, teamsId: '29:coord-new', roles: ['coordinator'] });
  });

  it('links a roster entry to a Teams account that Teams introduced before its first message (UPN from the trusted member look-up)', async () => {
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
    const conv = personal(people.officer);
    const added = {
      type: 'conversationUpdate',
      id: 'cu-1',
      from: people.officer,
      recipient: people.bot,
      conversation: conv,
      membersAdded: [people.bot],
    };
    expect((await h.send(added)).status).toBe(200);
    connector.members.set(people.officer.id, {
      id: people.officer.id,
      name: 'Megan Bowen',
      userPrincipalName: 'meganb@force.police.uk',
      aadObjectId: people.officer.aadObjectId,
    });
    await h.send(message('subscribe Leeds', people.officer));
    expect(connector.posted(channel.id).at(-1)?.body.text).toContain('review channel for Leeds');
    const megan = await h.db
      .selectFrom('users')
      .select(['teams_id', 'aad_object_id', 'on_roster'])
      .where('upn', '=', 'meganb@force.police.uk')
      .executeTakeFirstOrThrow();
    expect(megan).toEqual({ teams_id: people.officer.id, aad_object_id: people.officer.aadObjectId, on_roster: true });
  });
});

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

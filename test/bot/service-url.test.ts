import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
import { capturingLogger, count, EvilHost } from './service-url.helpers.js';

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

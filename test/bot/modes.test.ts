import { describe, expect, it } from 'vitest';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, channel, freshDatabase, message, occurrence, people } from '../helpers/harness.js';
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

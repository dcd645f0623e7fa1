import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../bot/app.js';
import { loadConfig } from '../../bot/config.js';
import { verifyAuditChain } from '../../db/audit/verify.js';
import { AuditTamperableError, openDatabase } from '../../db/database.js';
import { dbKind, occurrence, PRODUCTION_SETTINGS, TestClock } from '../helpers/harness.js';

/**
 * The bot as a limited PostgreSQL role (issue 9 item 8). PGlite has no roles (one embedded
 * superuser), so these run only against PostgreSQL (DATABASE_URL set).
 */
describe.skipIf(dbKind !== 'postgres')('the bot as a limited database role (PostgreSQL only: PGlite has no roles)', () => {
  const suffix = randomUUID().replace(/-/g, '').slice(0, 12);
  const names = { db: `hcc_roles_${suffix}`, owner: `hcc_owner_${suffix}`, app: `hcc_app_${suffix}` };
  const urlAs = (role: string) => {
    const u = new URL(process.env.DATABASE_URL!);
    u.username = role;
    u.password = '';
    u.pathname = `/${names.db}`;
    return u.toString();
  };
  const superuser = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  let bot: RunningBot;
  let app: pg.Client;

  beforeAll(async () => {
    await superuser(async (c) => {
      await c.query(`create role ${names.owner} login`);
      await c.query(`create role ${names.app} login`);
      await c.query(`create database ${names.db} owner ${names.owner}`);
    });
    const config = loadConfig({
      ...PRODUCTION_SETTINGS,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATABASE_URL: urlAs(names.app),
      DATABASE_MIGRATION_URL: urlAs(names.owner),
    });
    bot = await startBot(config, { clock: new TestClock().now, dispatcher: false, jobs: false, logger: pino({ level: 'silent' }) });
    app = new pg.Client({ connectionString: urlAs(names.app) });
    await app.connect();
  });
  afterAll(async () => {
    await app?.end();
    await bot?.stop();
    await superuser(async (c) => {
      await c.query(`drop database if exists ${names.db} with (force)`);
      await c.query(`drop role if exists ${names.app}`);
      await c.query(`drop role if exists ${names.owner}`);
    });
  });

  it('works end to end: an occurrence posted to the feed is stored and audited, and the chain verifies', async () => {
    const occ = occurrence();
    const res = await fetch(`${bot.url}/api/occurrences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PRODUCTION_SETTINGS.INGEST_API_KEY}` },
      body: JSON.stringify(occ),
    });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { results: { id: string }[] }).results[0]!.id;
    const audit = await app.query(`select actor, action, hash from audit_log where entity_type = 'occurrence' and entity_id = $1`, [id]);
    expect(audit.rows).toContainEqual(
      expect.objectContaining({ action: 'occurrence.created', hash: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    );
    expect(await verifyAuditChain(bot.db)).toMatchObject({ ok: true });
  });

  it('may insert into and read the audit log', async () => {
    await app.query(`insert into audit_log (actor, action, entity_type, entity_id) values ('system:test', 'test.written', 'test', '1')`);
    expect((await app.query(`select count(*)::int as n from audit_log where action = 'test.written'`)).rows).toEqual([{ n: 1 }]);
  });

  it.each([
    ['disable its triggers', 'alter table audit_log disable trigger audit_log_no_update', /must be owner/],
    ['disable every trigger', 'alter table audit_log disable trigger all', /must be owner/],
    ['switch triggers off for the session', 'set session_replication_role = replica', /permission denied/],
    ['drop it', 'drop table audit_log', /must be owner/],
    ['update an entry', `update audit_log set details = '{}'`, /permission denied/],
    ['delete an entry', 'delete from audit_log', /permission denied/],
    ['truncate it', 'truncate audit_log', /permission denied/],
    ['drop the chain trigger', 'drop trigger audit_log_chain on audit_log', /must be owner/],
    [
      'replace the chain trigger',
      `create or replace function audit_log_chain() returns trigger language plpgsql as $$ begin return new; end $$`,
      /must be owner|permission denied/,
    ],
  ])('may not %s', async (_what, statement, error) => {
    await expect(app.query(statement)).rejects.toThrow(error);
    expect((await app.query(`select count(*)::int as n from audit_log`)).rows[0].n).toBeGreaterThan(0);
  });

  it('may run npm run audit -- verify (it only reads)', async () => {
    const { stdout } = await promisify(execFile)(join('node_modules', '.bin', 'tsx'), ['scripts/audit.ts', 'verify'], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', DATABASE_URL: urlAs(names.app) },
    });
    expect(stdout).toMatch(/Audit log intact: \d+ entries, hash chain verified/);
  });

  it('refuses to start in production when its role owns the audit log (the log would not be tamper-evident)', async () => {
    const target = { kind: 'postgres' as const, url: urlAs(names.owner), poolMax: 2, migrationUrl: urlAs(names.owner) };
    await expect(openDatabase(target, { production: true })).rejects.toBeInstanceOf(AuditTamperableError);
    const warnings: string[] = [];
    const db = await openDatabase(target, { production: false, warn: (m) => warnings.push(m) });
    await db.destroy();
    expect(warnings.join()).toContain(`the bot's database role ${names.owner} owns audit_log`);
  });
});

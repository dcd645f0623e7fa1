import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../db/audit/audit.service.js';
import { verifyAuditChain } from '../../db/audit/verify.js';
import { openDatabase, type DatabaseTarget } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { bootHarness, dbKind, freshDatabase, occurrence, PRODUCTION_SETTINGS, type Harness } from '../helpers/harness.js';

const run = promisify(execFile);

/** Runs `npm run audit -- verify` (the script itself, through tsx) against a database; returns exit code and output. */
async function auditVerify(target: DatabaseTarget): Promise<{ code: number; out: string }> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', PORT: '1' };
  if (target.kind === 'postgres') env.DATABASE_URL = target.url;
  else env.PGLITE_DIR = target.dir!;
  try {
    const r = await run(join('node_modules', '.bin', 'tsx'), ['scripts/audit.ts', 'verify'], { env });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout + x.stderr };
  }
}

/** The owner (or a superuser) rewriting one entry behind the log's back. */
async function tamper(db: Kysely<Database>, id: string, details: string): Promise<void> {
  await sql`alter table audit_log disable trigger audit_log_no_update`.execute(db);
  await sql`update audit_log set details = ${details}::jsonb where id = ${id}::bigint`.execute(db);
  await sql`alter table audit_log enable trigger audit_log_no_update`.execute(db);
}

describe('audit log hash chain', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('each entry written by the bot carries the hash of the one before it', async () => {
    for (let i = 0; i < 3; i++) expect((await h.ingest(occurrence())).status).toBe(201);
    const rows = await h.db.selectFrom('audit_log').select(['seq', 'prev_hash', 'hash']).orderBy('seq').execute();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows[0]!.prev_hash).toBe('0'.repeat(64));
    rows.slice(1).forEach((r, i) => expect(r.prev_hash).toBe(rows[i]!.hash));
    expect(await verifyAuditChain(h.db)).toEqual({ ok: true, count: rows.length, lastHash: rows.at(-1)!.hash });
  });

  it('hashes, positions and times set by the writer are ignored: the database sets them', async () => {
    await sql`insert into audit_log (at, actor, action, entity_type, entity_id, seq, prev_hash, hash) values ('2020-01-01T00:00:00Z', 'x', 'forged', 't', '1', 999, 'f', 'f')`.execute(
      h.db,
    );
    const forged = await h.db
      .selectFrom('audit_log')
      .select(['seq', 'hash', 'at'])
      .where('action', '=', 'forged')
      .executeTakeFirstOrThrow();
    expect(forged.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Number(forged.seq)).not.toBe(999);
    expect(forged.at.getUTCFullYear()).toBeGreaterThan(2020);
    expect((await verifyAuditChain(h.db)).ok).toBe(true);
  });

  it('entries written concurrently chain in one well-defined order', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        h.db.transaction().execute(async (trx) => {
          await recordAudit(trx, { actor: 'system:test', action: 'test.first', entityType: 'test', entityId: String(i) });
          await recordAudit(trx, { actor: 'system:test', action: 'test.second', entityType: 'test', entityId: String(i) });
        }),
      ),
    );
    const report = await verifyAuditChain(h.db);
    expect(report.ok).toBe(true);
    expect(report.count).toBeGreaterThanOrEqual(16); // past 9: chain order is numeric, not text
  });

  it('refuses to write entries where the chain could fork (REPEATABLE READ snapshots)', async () => {
    const write = h.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((trx) => recordAudit(trx, { actor: 'system:test', action: 'test.rr', entityType: 'test', entityId: '1' }));
    await expect(write).rejects.toThrow(/READ COMMITTED transactions only/);
    expect(await h.db.selectFrom('audit_log').select('id').where('action', '=', 'test.rr').execute()).toEqual([]);
  });
});

describe('upgrading a database with an audit log', { timeout: 180_000 }, () => {
  it('chains the entries written before the chain existed, in id order', async () => {
    const { Kysely, Migrator, PostgresDialect } = await import('kysely');
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGliteDialect } = await import('kysely-pglite-dialect');
    const { MIGRATIONS } = await import('../../db/database.js');
    const pg = (await import('pg')).default;
    let target: DatabaseTarget;
    let cleanup = async () => undefined as void;
    if (dbKind === 'postgres') {
      const name = `hcc_upgrade_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${name}`;
      target = { kind: 'postgres', url: url.toString(), poolMax: 2 };
      cleanup = async () => {
        const a = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      };
    } else {
      target = { kind: 'pglite', dir: join(mkdtempSync(join(tmpdir(), 'hcc-audit-up-')), 'pglite'), lockWaitSeconds: 5 };
    }
    try {
      const old = new Kysely<any>({
        dialect:
          target.kind === 'postgres'
            ? new PostgresDialect({ pool: new pg.Pool({ connectionString: target.url, max: 1 }) })
            : new PGliteDialect(new PGlite(target.dir!)),
      });
      const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < '2026-11-29T01-audit-chain'));
      expect((await new Migrator({ db: old, provider: { getMigrations: async () => before } }).migrateToLatest()).error).toBeUndefined();
      for (let i = 0; i < 12; i++)
        await old
          .insertInto('audit_log')
          .values({
            actor: 'user:old',
            action: 'card.disclosed',
            entity_type: 'occurrence',
            entity_id: String(i),
            details: JSON.stringify({ i }),
          })
          .execute();
      await old.destroy();

      const db = await openDatabase(target);
      try {
        await recordAudit(db, { actor: 'user:new', action: 'card.disclosed', entityType: 'occurrence', entityId: 'new' });
        const rows = await db.selectFrom('audit_log').select(['id', 'seq', 'actor']).orderBy('seq').execute();
        expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((r) => Number(r.id)));
        expect(rows.at(-1)!.actor).toBe('user:new');
        expect(await verifyAuditChain(db)).toMatchObject({ ok: true, count: 13 });
      } finally {
        await db.destroy();
      }
    } finally {
      await cleanup();
    }
  });
});

describe('DATABASE_MIGRATION_URL', () => {
  it('is refused without DATABASE_URL (the embedded database has no roles)', async () => {
    const { loadConfig, ConfigError } = await import('../../bot/config.js');
    expect(() => loadConfig({ DATABASE_MIGRATION_URL: 'postgres://owner@db/hcc' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_MIGRATION_URL: 'postgres://owner@db/hcc' })).toThrow(
      /DATABASE_MIGRATION_URL: only with DATABASE_URL/,
    );
    const c = loadConfig({
      ...PRODUCTION_SETTINGS,
      DATABASE_URL: 'postgres://app@db/hcc',
      DATABASE_MIGRATION_URL: 'postgres://owner@db/hcc',
    });
    expect(c.database).toMatchObject({ kind: 'postgres', url: 'postgres://app@db/hcc', migrationUrl: 'postgres://owner@db/hcc' });
    expect([c.production, c.scrutinyMinClosed]).toEqual([true, 10]);
  });
});

// Embedded databases opened from a folder several times, and the verify command in its own process:
// each start of PGlite costs 10-30 s on a busy 2-core machine.
describe('npm run audit -- verify', { timeout: 180_000 }, () => {
  let target: DatabaseTarget;
  let drop: () => Promise<void> = async () => undefined;
  const open = () => openDatabase(target);
  beforeAll(async () => {
    if (dbKind === 'postgres') {
      const fresh = await freshDatabase();
      await fresh.db.destroy();
      target = fresh.target;
      drop = fresh.drop;
    } else {
      target = { kind: 'pglite', dir: join(mkdtempSync(join(tmpdir(), 'hcc-audit-')), 'pglite'), lockWaitSeconds: 5 };
    }
  });
  afterAll(async () => {
    await drop().catch(() => undefined);
  });

  it('passes on a normal history and, after the owner alters one entry, fails naming it', async () => {
    let db = await open();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      await recordAudit(db, {
        actor: 'user:alex',
        action: 'card.disclosed',
        entityType: 'occurrence',
        entityId: `occ-${i}`,
        details: { reason: 'review', n: i },
      });
    }
    for (const r of await db.selectFrom('audit_log').select(['id']).orderBy('seq').execute()) ids.push(String(r.id));
    await db.destroy();

    const whole = await auditVerify(target);
    expect(whole.out).toMatch(/Audit log intact: 5 entries, hash chain verified; last hash [0-9a-f]{64}/);
    expect(whole.code).toBe(0);

    db = await open();
    await tamper(db, ids[2]!, '{"reason": "nothing to see", "n": 2}');
    const at = (await db.selectFrom('audit_log').select('at').where('id', '=', ids[2]!).executeTakeFirstOrThrow()).at;
    await db.destroy();

    const broken = await auditVerify(target);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(`BROKEN at entry id ${ids[2]} (${at.toISOString()})`);
    expect(broken.out).toContain('its content has changed');
  });

  it('names the entry after a removed one', async () => {
    const db = await open();
    try {
      await sql`alter table audit_log disable trigger audit_log_no_update`.execute(db);
      const rows = await db.selectFrom('audit_log').select(['id', 'seq']).orderBy('seq').execute();
      await sql`update audit_log set details = jsonb_set(details, '{reason}', '"review"') where id = ${rows[2]!.id}::bigint`.execute(db); // undo the edit above
      await sql`delete from audit_log where id = ${rows[1]!.id}::bigint`.execute(db);
      const report = await verifyAuditChain(db);
      expect(report).toMatchObject({ ok: false, broken: { id: String(rows[2]!.id) } });
      expect(!report.ok && report.broken.problem).toContain('entries are missing before it');
    } finally {
      await sql`alter table audit_log enable trigger audit_log_no_update`.execute(db);
      await db.destroy();
    }
  });
});

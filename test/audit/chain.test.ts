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
import { bootHarness, dbKind, freshDatabase, occurrence, type Harness } from '../helpers/harness.js';

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
    expect(await verifyAuditChain(h.db)).toEqual({ ok: true, count: rows.length });
  });

  it('hashes set by the writer are ignored: the database computes them', async () => {
    await sql`insert into audit_log (actor, action, entity_type, entity_id, seq, prev_hash, hash) values ('x', 'forged', 't', '1', 999, 'f', 'f')`.execute(h.db);
    const forged = await h.db.selectFrom('audit_log').select(['seq', 'hash']).where('action', '=', 'forged').executeTakeFirstOrThrow();
    expect(forged.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Number(forged.seq)).not.toBe(999);
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
});

describe('npm run audit -- verify', () => {
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
      await recordAudit(db, { actor: 'user:alex', action: 'card.disclosed', entityType: 'occurrence', entityId: `occ-${i}`, details: { reason: 'review', n: i } });
    }
    for (const r of await db.selectFrom("audit_log").select(["id"]).orderBy("seq").execute()) ids.push(String(r.id));
    await db.destroy();

    const whole = await auditVerify(target);
    expect(whole.out).toContain('Audit log intact: 5 entries');
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

  it('names the entry after a removed one, and notices entries removed from the end', async () => {
    const db = await open();
    try {
      await sql`alter table audit_log disable trigger audit_log_no_update`.execute(db);
      const rows = await db.selectFrom('audit_log').select(['id', 'seq']).orderBy('seq').execute();
      await sql`update audit_log set details = jsonb_set(details, '{reason}', '"review"') where id = ${rows[2]!.id}::bigint`.execute(db); // undo the edit above
      await sql`delete from audit_log where id = ${rows[1]!.id}::bigint`.execute(db);
      let report = await verifyAuditChain(db);
      expect(report).toMatchObject({ ok: false, broken: { id: String(rows[2]!.id) } });
      expect(!report.ok && report.broken.problem).toContain('entries are missing before it');
      await sql`delete from audit_log where seq >= ${rows[1]!.seq}::bigint`.execute(db);
      report = await verifyAuditChain(db);
      expect(report).toMatchObject({ ok: false, broken: { id: String(rows[0]!.id) } });
      expect(!report.ok && report.broken.problem).toContain('entries after it are missing');
    } finally {
      await sql`alter table audit_log enable trigger audit_log_no_update`.execute(db);
      await db.destroy();
    }
  });
});

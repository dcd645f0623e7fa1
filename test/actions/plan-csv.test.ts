import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { exportPlan, importPlan } from '../../db/actions/plan.service.js';
import { systemActor } from '../../db/access/access.policy.js';
import { ValidationError } from '../../db/errors.js';
import type { Database } from '../../db/schema.js';
import { dbKind, freshDatabase, resetDatabase } from '../helpers/harness.js';

const OXFORD = readFileSync(new URL('./fixtures/oxford-plan.csv', import.meta.url), 'utf8');
const actor = systemActor('Plan import', 'system:test');
const now = new Date('2026-11-20T10:00:00Z');

describe('delivery plan CSV (docs/interfaces.md), against the database', () => {
  let db: Kysely<Database>;
  let drop: () => Promise<void>;
  beforeAll(async () => ({ db, drop } = await freshDatabase()));
  afterAll(async () => drop());
  beforeEach(async () => resetDatabase(db));

  it('imports the Oxford plan row by row: sub-actions, agencies as owners, dated multi-line updates', async () => {
    const results = await importPlan(db, OXFORD, actor, now);
    expect(results.map((r) => `${r.line} ${r.ref} ${r.outcome}`).slice(0, 5)).toEqual([
      '2 1.1 a created',
      '4 1.1 b created',
      '5 1.1 c created',
      '6 1.1 d created',
      '9 1.2 a created',
    ]);
    expect(results).toHaveLength(14);
    const a = await db.selectFrom('actions').selectAll().where('ref', '=', '1.1 a').executeTakeFirstOrThrow();
    expect(a).toMatchObject({
      owner_kind: 'agency',
      owner_agency: 'TVP / LAs',
      status: 'bau',
      pillar: 'increasing_reporting',
      objective: '1.1 Develop a media strategy to raise awareness of Hate Crime',
    });
    const u = await db
      .selectFrom('action_updates')
      .select(['text', 'author_name'])
      .select((eb) => eb.fn('to_char', [eb.ref('update_date'), eb.val('YYYY-MM-DD')]).as('date'))
      .where('action_id', '=', a.id)
      .executeTakeFirstOrThrow();
    expect(u.date).toBe('2018-06-22');
    expect(u.text).toMatch(/^a Community Safety Partnership comms approach[\s\S]*\nMedia teams coordinated/);
  });

  it('round trip: import, export, import gives the same plan (every row unchanged, the same CSV)', async () => {
    await importPlan(db, OXFORD, actor, now);
    const first = await exportPlan(db, actor, 'test');
    expect(first.count).toBe(14);
    expect(first.csv.split('\r\n')[0]).toBe('ref,objective,action,pillar,owner,contact,status,due,update');
    const again = await importPlan(db, first.csv, actor, new Date('2026-11-27T10:00:00Z'));
    expect(again.every((r) => r.outcome === 'unchanged')).toBe(true);
    expect((await exportPlan(db, actor, 'test')).csv).toBe(first.csv);
    // and into an empty database: the same plan again
    await resetDatabase(db);
    await importPlan(db, first.csv, actor, now);
    expect((await exportPlan(db, actor, 'test')).csv).toBe(first.csv);
  });

  it('a changed row is updated, its status change and new update added to the history', async () => {
    await importPlan(db, OXFORD, actor, now);
    const edited = OXFORD.replace(
      '3.2 a,3.2 Develop insights using Victim First data,Identification of demographic victim data to inform partner responses and support agency approaches.,supporting_victims,TVP,Not started,,Not progressed',
      '3.2 a,3.2 Develop insights using Victim First data,Identification of demographic victim data to inform partner responses and support agency approaches.,supporting_victims,TVP,In progress,2027-02-01,2026-11-26: Victim First dataset requested from the OPCC',
    );
    const res = await importPlan(db, edited, actor, new Date('2026-11-27T10:00:00Z'));
    expect(res.find((r) => r.ref === '3.2 a')).toMatchObject({ outcome: 'updated', changes: ['status', 'due', 'update'] });
    expect(res.filter((r) => r.outcome === 'unchanged')).toHaveLength(13);
    const csv = (await exportPlan(db, actor, 'test')).csv;
    expect(csv).toContain('TVP,,in_progress,2027-02-01,2026-11-26: Victim First dataset requested from the OPCC');
  });

  it('a person known by no UPN is exported by name and read back as the same person, not an agency', async () => {
    await importPlan(
      db,
      'ref,objective,action,pillar,owner,status,due,update\n1.1 a,,Brief the NPTs,prevention,TVP,in_progress,,\n',
      actor,
      now,
    );
    // assigned in Teams as `me` by someone whose UPN Teams did not give
    const user = await db
      .insertInto('users')
      .values({ teams_id: '29:no-upn', aad_object_id: null, upn: null, name: 'PC No Upn', roles: [], districts: [], on_roster: false })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .updateTable('actions')
      .set({ owner_kind: 'person', owner_upn: null, owner_user_id: user.id, owner_agency: null })
      .where('ref', '=', '1.1 a')
      .execute();
    const { csv } = await exportPlan(db, actor, 'test');
    expect(csv).toContain(',PC No Upn,');
    const again = await importPlan(db, csv, actor, now);
    expect(again.map((r) => r.outcome)).toEqual(['unchanged']);
    expect(
      await db
        .selectFrom('actions')
        .select(['owner_kind', 'owner_user_id', 'owner_agency'])
        .where('ref', '=', '1.1 a')
        .executeTakeFirstOrThrow(),
    ).toEqual({ owner_kind: 'person', owner_user_id: user.id, owner_agency: null });
  });

  it('refs are unique whatever their case, as they are looked up', async () => {
    await importPlan(db, 'ref,objective,action,pillar,owner,status,due,update\nX1,,First,prevention,TVP,,,\n', actor, now);
    const row = await db.selectFrom('actions').selectAll().where('ref', '=', 'X1').executeTakeFirstOrThrow();
    const copy = {
      ref: 'x1',
      objective: row.objective,
      text: row.text,
      pillar: row.pillar,
      owner_kind: row.owner_kind,
      owner_upn: row.owner_upn,
      owner_user_id: row.owner_user_id,
      owner_agency: row.owner_agency,
      due_date: row.due_date,
      district: row.district,
      raised_at_meeting_id: row.raised_at_meeting_id,
      created_by: row.created_by,
    };
    await expect(db.insertInto('actions').values(copy).execute()).rejects.toThrow(/actions_ref_ci_uq/);
  });

  it('any bad row: every bad row is reported by line and column, and nothing is written', async () => {
    const bad = [
      'ref,objective,action,pillar,owner,status,due,update',
      '1.1 a,Obj,Good action text,prevention,TVP,BAU,,',
      '1.1 b,Obj,Another action,kindness,TVP,BAU,,',
      '1.1 c,Obj,Third action,prevention,,sometimes,31/02/2026,',
      '1.1a,Obj,Duplicate of the first,prevention,OCC,,,',
      '<x>,Obj,Bad ref,prevention,someone@,,,',
    ].join('\n');
    const err = await importPlan(db, bad, actor, now).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const issues = (err as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
    expect(issues).toEqual([
      expect.stringMatching(/^line 3\.pillar: "kindness" is not a pillar/),
      'line 4.owner: is required: a UPN, or an agency such as TVP or OCC',
      expect.stringMatching(/^line 4\.status: "sometimes" is not a status/),
      expect.stringMatching(/^line 4\.due: "31\/02\/2026" is not a date/),
      'line 5.ref: 1.1 a is also on line 2',
      expect.stringMatching(/^line 6\.ref: "<x>" is not a reference/),
      expect.stringMatching(/^line 6\.owner: "someone@" looks like an e-mail address but is not one/),
    ]);
    expect(await db.selectFrom('actions').selectAll().execute()).toHaveLength(0);
    expect(await db.selectFrom('audit_log').selectAll().execute()).toHaveLength(0);
  });
});

describe.skipIf(dbKind !== 'pglite')('npm run import / export -- actions (scripts, embedded database)', () => {
  const run = promisify(execFile);
  const dir = mkdtempSync(join(tmpdir(), 'hcc-plan-'));
  const env = { ...process.env, PGLITE_DIR: join(dir, 'db'), PORT: '1', LOG_LEVEL: 'silent' };
  const tsx = (script: string, ...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', script, ...args], { env, cwd: process.cwd() }).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );

  it('rejects a bad file listing every bad line, imports a good one row by row, exports it, and re-imports unchanged', async () => {
    const badFile = join(dir, 'bad.csv');
    writeFileSync(
      badFile,
      'ref,objective,action,pillar,owner,status,due,update\n1.1 a,,Good action,prevention,TVP,,,\n1.1 b,,x,nope,TVP,,,\n',
    );
    const bad = await tsx('scripts/import.ts', 'actions', badFile);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('line 3.action: is required');
    expect(bad.err).toContain('line 3.pillar: "nope" is not a pillar');
    const good = await tsx('scripts/import.ts', 'actions', 'test/actions/fixtures/oxford-plan.csv');
    expect(good.code).toBe(0);
    expect(good.out.split('\n')[0]).toBe('line 2: 1.1 a created');
    expect(good.err).toContain('Imported 14 action(s): 14 created, 0 updated, 0 unchanged.');
    const out = join(dir, 'plan.csv');
    const exp = await tsx('scripts/export.ts', 'actions', out);
    expect(exp.err).toContain('Exported 14 action(s)');
    const again = await tsx('scripts/import.ts', 'actions', out);
    expect(again.err).toContain('0 created, 0 updated, 14 unchanged');
  }, 120_000);
});

describe('POST /api/imports/:kind (the import route npm run import uses while an embedded-database bot runs)', () => {
  it('refuses a bad plan naming every bad row and writes nothing; imports a good one row by row; needs the key', async () => {
    const { bootHarness, TEST_KEY } = await import('../helpers/harness.js');
    const h = await bootHarness();
    const post = (kind: string, body: string, key = TEST_KEY, type = 'text/csv') =>
      fetch(`${h.bot.url}/api/imports/${kind}`, {
        method: 'POST',
        headers: { 'content-type': type, authorization: `Bearer ${key}` },
        body,
      });
    try {
      expect((await post('actions', OXFORD, 'wrong-key-0123456789')).status).toBe(401);
      expect((await post('actions', JSON.stringify({ csv: OXFORD }), TEST_KEY, 'application/json')).status).toBe(415);
      const bad = await post(
        'actions',
        'ref,objective,action,pillar,owner,status,due,update\n1.1 a,,Good action,prevention,TVP,,,\n1.1 b,,Other,nope,TVP,,,\n',
      );
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['line 3.pillar']);
      expect(await h.db.selectFrom('actions').selectAll().execute()).toHaveLength(0);
      const good = await post('actions', OXFORD);
      expect(good.status).toBe(200);
      const { results } = (await good.json()) as { results: { ref: string; outcome: string }[] };
      expect(results).toHaveLength(14);
      expect(results.every((r) => r.outcome === 'created')).toBe(true);
      expect(await h.db.selectFrom('actions').selectAll().execute()).toHaveLength(14);
      // The one date grammar and the one table of text limits at the edge.
      const long = await post(
        'actions',
        `ref,objective,action,pillar,owner,status,due,update\nL1,,${'x'.repeat(1001)},prevention,TVP,,1 Dec 2026,\n`,
      );
      expect(long.status).toBe(400);
      expect(((await long.json()) as { errors: unknown[] }).errors).toEqual([
        { path: 'line 2.action', message: 'is at most 1,000 characters' },
      ]);
      const worded = await post(
        'actions',
        'ref,objective,action,pillar,owner,status,due,update\nW1,,Brief the NPTs,prevention,TVP,,1 Dec 2026,\n',
      );
      expect(worded.status).toBe(200);
      const w1 = await h.db
        .selectFrom('actions')
        .select((eb) => eb.fn<string>('to_char', [eb.ref('due_date'), eb.val('YYYY-MM-DD')]).as('due'))
        .where('ref', '=', 'W1')
        .executeTakeFirstOrThrow();
      expect(w1.due).toBe('2026-12-01');
      const roster = await post('users', 'upn,name,roles,districts\nalexw@example.com,Alex Wilber,coordinator,Leeds\n');
      expect(roster.status).toBe(200);
      expect(
        (await h.db.selectFrom('users').select('roles').where('upn', '=', 'alexw@example.com').executeTakeFirstOrThrow()).roles,
      ).toEqual(['coordinator']);
    } finally {
      await h.close();
    }
  });
});

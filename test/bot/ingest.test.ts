import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit/audit.service.js';
import { bootHarness, occurrence, type Harness } from '../helpers/harness.js';

describe('occurrence feed POST /api/occurrences', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootHarness({ INGEST_MAX_BODY_BYTES: String(64 * 1024) });
  });
  afterAll(async () => {
    await h.close();
  });
  const count = async () => (await h.db.selectFrom('occurrences').select(h.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n;

  it('creates one occurrence (201) and answers an identical re-post with unchanged (200)', async () => {
    const occ = occurrence();
    const first = await h.ingest(occ);
    expect(first.status).toBe(201);
    expect(first.body.results[0]).toMatchObject({ reference: occ.reference, source: 'rms', outcome: 'created' });
    // same content, different key order and instant spelling
    const again = await h.ingest({ ...Object.fromEntries(Object.entries(occ).reverse()), flaggedAt: '2026-11-20T09:30:00Z' });
    expect(again.status).toBe(200);
    expect(again.body.results[0]).toMatchObject({ id: first.body.results[0].id, outcome: 'unchanged' });
  });

  it('updates an occurrence by source + reference and keeps its history in the audit log', async () => {
    const occ = occurrence();
    const first = await h.ingest(occ);
    const upd = await h.ingest({ ...occ, status: 'closed', outcome: 'Charge/summons', allocatedAt: '2026-11-20T11:00:00+00:00' });
    expect(upd.status).toBe(200);
    expect(upd.body.results[0]).toMatchObject({ id: first.body.results[0].id, outcome: 'updated' });
    const row = await h.db.selectFrom('occurrences').selectAll().where('id', '=', first.body.results[0].id).executeTakeFirstOrThrow();
    expect(row.status).toBe('closed');
    const audit = await listAudit(h.db, 'occurrence', row.id);
    const update = audit.find((a) => a.action === 'occurrence.updated')!;
    expect(update.details.changed).toEqual(expect.arrayContaining(['status', 'outcome', 'allocated_at']));
    expect((update.details.previous as Record<string, unknown>).status).toBe('open');
    // the same reference from another source is another occurrence
    const other = await h.ingest({ ...occ, source: 'third_party' });
    expect(other.status).toBe(201);
  });

  it('accepts a batch and reports each occurrence', async () => {
    const batch = [
      occurrence(),
      occurrence({ recordedAs: 'nchi', offence: undefined, victims: [], strands: ['transgender', 'disability'] }),
    ];
    const res = await h.ingest({ occurrences: batch });
    expect(res.status).toBe(201);
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['created', 'created']);
  });

  it('treats a second copy of one reference in a batch as an update of the first', async () => {
    const occ = occurrence();
    const res = await h.ingest({ occurrences: [occurrence(), occ, { ...occ, status: 'filed' }, occurrence()] });
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['created', 'created', 'updated', 'created']);
    expect(res.body.results[1].id).toBe(res.body.results[2].id);
    const row = await h.db.selectFrom('occurrences').selectAll().where('id', '=', res.body.results[1].id).executeTakeFirstOrThrow();
    expect(row.status).toBe('filed');
    const schedule = await h.db.selectFrom('scheduled_reviews').select(['kind', 'status']).where('occurrence_id', '=', row.id).execute();
    expect(schedule.find((r) => r.kind === 'closure_call')?.status).toBe('pending');
  });

  it('rejects a batch with any invalid occurrence, lists every problem with its path, and writes nothing', async () => {
    const before = await count();
    const res = await h.ingest({
      occurrences: [
        occurrence(),
        occurrence({ recordedAs: 'crime', offence: undefined, strands: ['race', 'goth'], flaggedAt: '20/11/2026', victims: [] }),
        occurrence({ source: 'fax', district: '' }),
      ],
    });
    expect(res.status).toBe(400);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'occurrences.1.offence',
        'occurrences.1.strands.1',
        'occurrences.1.flaggedAt',
        'occurrences.1.victims',
        'occurrences.2.source',
        'occurrences.2.district',
      ]),
    );
    expect(res.body.errors.every((e: { message: string }) => e.message.length > 3)).toBe(true);
    expect(await count()).toBe(before);
  });

  it('ignores unknown fields', async () => {
    const res = await h.ingest(occurrence({ victimName: 'should never be stored', extra: { x: 1 } }));
    expect(res.status).toBe(201);
    const rows = await h.db.selectFrom('occurrences').selectAll().where('id', '=', res.body.results[0].id).execute();
    expect(JSON.stringify(rows)).not.toContain('should never be stored');
  });

  it('refuses a missing or wrong key with 401 and writes nothing', async () => {
    const before = await count();
    expect((await h.ingest(occurrence(), 'wrong-key-wrong-key')).status).toBe(401);
    const res = await fetch(`${h.bot.url}/api/occurrences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(occurrence()),
    });
    expect(res.status).toBe(401);
    expect(await count()).toBe(before);
  });

  it('answers 413 for a body over the size limit, and 400 for more than 1,000 occurrences', async () => {
    const big = { occurrences: Array.from({ length: 200 }, () => occurrence({ summary: 'x'.repeat(900) })) };
    expect((await h.ingest(big)).status).toBe(413);
    const many = await h.ingest({ occurrences: Array.from({ length: 1001 }, () => ({})) });
    expect(many.status).toBe(400);
    expect(many.body.errors[0].message).toContain('1 to 1000');
  });

  it('answers non-JSON with 400', async () => {
    const res = await fetch(`${h.bot.url}/api/occurrences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-ingest-key-0123456789' },
      body: '[1,2',
    });
    expect(res.status).toBe(400);
  });
});

import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit/audit.service.js';
import { ForbiddenError } from '../../db/errors.js';
import type { Database } from '../../db/schema.js';
import { summaryFor, type SummaryActor, type SummaryReport } from '../../db/summary/summary.service.js';
import { freshDatabase } from '../helpers/harness.js';
import { actors, addOccurrence, seedFixedDataset, settings } from './helpers.js';

const NOW = new Date('2026-11-20T10:00:00Z');
const rows = (list: SummaryReport['byStrand']) => Object.fromEntries(list.map((r) => [r.key, [r.current, r.previous]]));

describe('summary figures on a fixed dataset (hand-computed)', () => {
  let db: Kysely<Database>;
  let drop: () => Promise<void>;
  const ask = (actor: SummaryActor, periodText: string | null, district: string | null = null, now = NOW) =>
    summaryFor(db, { actor, periodText, district, reason: 'test', destination: 'conv-1' }, settings, now);

  beforeAll(async () => {
    ({ db, drop } = await freshDatabase());
    await seedFixedDataset(db);
  });
  afterAll(async () => drop());

  it('last month in Leeds: counts by type, strand (multi-strand counted in each), source and district against September, with midnight Europe/London edges', async () => {
    const r = await ask(actors.leedsManager, 'last month');
    expect(r.scope.label).toBe('Leeds');
    expect(r.period.start.toISOString()).toBe('2026-09-30T23:00:00.000Z'); // 1 Oct 00:00 BST
    expect(r.period.end.toISOString()).toBe('2026-11-01T00:00:00.000Z'); // 1 Nov 00:00 GMT
    // A (1 Oct 00:00 BST) and D (31 Oct 23:59:59 GMT) are in; E (1 Nov 00:00) and F (30 Sep 23:59:59 BST) are not.
    expect(r.totals).toEqual({ current: 4, previous: 2, multiStrand: 2 });
    expect(rows(r.byType)).toEqual({ crime: [3, 2], nchi: [1, 0] });
    expect(r.byStrand.map((s) => s.key)).toEqual(settings.strands); // configured order, never by size
    expect(rows(r.byStrand)).toEqual({
      race: [2, 1],
      religion: [1, 1],
      sexual_orientation: [1, 0],
      disability: [1, 0],
      transgender: [1, 0],
    });
    expect(rows(r.bySource)).toEqual({ rms: [2, 1], third_party: [1, 0], online: [1, 0], manual: [0, 1] });
    expect(r.byDistrict.map((d) => [d.label, d.current, d.previous])).toEqual([['Leeds', 4, 2]]);
  });

  it('risk mix, open high risk, repeats, compliance, overdue owners, delivery plan and outcomes', async () => {
    const r = await ask(actors.leedsManager, 'last month');
    expect(Object.fromEntries(r.risk.map((x) => [x.key, x.count]))).toEqual({ standard: 1, medium: 1, high: 1, ungraded: 1 });
    expect(r.openHighRisk).toBe(2); // A and G (F is closed)
    expect(r.repeats).toMatchObject({ victims: 2, suspects: 1, locations: 1 }); // V1 (with R), V2 (B+C), S1 (with Bradford H), LOC-1
    expect(r.compliance!.map((c) => [c.kind, c.onTime, c.late, c.overdueOpen, c.notApplicable, c.percentOnTime])).toEqual([
      ['victim_contact', 0, 0, 0, 1, null],
      ['task_review', 1, 0, 1, 0, 50],
      ['coordinator_review', 0, 1, 0, 0, 0],
    ]);
    expect(r.overdueByOwner).toEqual([{ owner: 'DS One', count: 2 }]);
    expect(r.overdueReviews).toBe(2);
    expect(r.plan.pillars.map((p) => [p.pillar, p.byStatus.map((s) => `${s.status}:${s.count}`)])).toEqual([
      ['prevention', ['not_started:1', 'completed:1']],
      ['supporting_victims', ['in_progress:1']],
    ]);
    expect(r.plan.overdue).toBe(1);
    expect(r.plan.overdueList).toEqual([{ ref: '1.1 a', pillar: 'prevention', owner: 'City council', dueDate: '2026-11-01' }]);
    expect(r.outcomes).toEqual({
      closed: 3,
      byOutcome: [
        { outcome: 'Outcome not recorded', count: 1 },
        { outcome: 'Charge/summons', count: 1 },
        { outcome: 'Evidential difficulties', count: 1 },
      ],
      satisfied: 1,
      dissatisfied: 1,
      notRecorded: 1,
    });
  });

  it('chart: occurrences by strand per Europe/London month for the 12 months ending with the period', async () => {
    const r = await ask(actors.leedsManager, 'last month');
    expect(r.chart.months[0]).toBe('2025-11');
    expect(r.chart.months.at(-1)).toBe('2026-10');
    const s = Object.fromEntries(r.chart.series.map((x) => [x.strand, x.values]));
    expect(r.chart.series.map((x) => x.strand)).toEqual(settings.strands);
    expect(s.race![4]).toBe(1); // March (R)
    expect(s.race![10]).toBe(1); // September (F: 23:59:59 BST on 30 Sep)
    expect(s.race![11]).toBe(2); // October (A at 00:00 BST on 1 Oct, B)
    expect(s.religion!.slice(10)).toEqual([1, 1]);
    expect(s.disability![11]).toBe(1);
  });

  it('force level sees every district; a district manager cannot ask for another district', async () => {
    const r = await ask(actors.force, 'last month');
    expect(r.totals).toMatchObject({ current: 5, previous: 2 });
    expect(r.byDistrict.map((d) => [d.label, d.current])).toEqual([
      ['Bradford', 1],
      ['Leeds', 4],
    ]);
    expect(r.plan.overdue).toBe(2);
    const leeds = await ask(actors.force, 'last month', 'leeds');
    expect(leeds.totals.current).toBe(4);
    await expect(ask(actors.leedsManager, 'last month', 'Bradford')).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('repeats agree whichever query plan is used (one pass over the window for long force-level periods)', async () => {
    const ytd = await ask(actors.force, 'year to date'); // > 45 days at force level: one-pass query
    expect(ytd.repeats).toMatchObject({ victims: 2, suspects: 1, locations: 1 }); // V1 (A+R), V2 (B+C), S1 (A+H), LOC-1; V3's other occurrence is older than 12 months
    const leeds = await ask(actors.leedsManager, 'year to date'); // district: from the period's own refs
    expect(leeds.repeats).toMatchObject({ victims: 2, suspects: 1, locations: 1 });
  });

  it('officers and supervisors see only their own occurrences and reviews (UPN case-insensitive)', async () => {
    const officer = await ask(actors.officerOne, 'last month');
    expect(officer.scope.kind).toBe('own');
    expect(officer.totals.current).toBe(2); // A and B
    expect(officer.compliance).toEqual([]); // none of the reviews is owned by the OIC
    expect(officer.plan.pillars).toEqual([]);
    const supervisor = await ask({ label: 'user:ds', upn: 'ds.one@force.police.uk', roles: ['supervisor'], districts: [] }, 'last month');
    expect(supervisor.totals.current).toBe(4);
    expect(supervisor.compliance!.map((c) => [c.kind, c.onTime, c.overdueOpen, c.notApplicable])).toEqual([
      ['victim_contact', 0, 0, 1],
      ['task_review', 1, 1, 0],
    ]); // the coordinator review is not theirs
    await expect(ask({ label: 'user:x', upn: null, roles: ['officer'], districts: [] }, null)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(ask({ label: 'user:y', upn: 'y@x', roles: [], districts: [] }, null)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('partners get aggregates only, with small numbers suppressed and police-only sections left out', async () => {
    const r = await ask(actors.leedsPartner, 'last month');
    expect(r.suppressBelow).toBe(5);
    expect(r.totals).toEqual({ current: null, previous: null, multiStrand: null });
    for (const row of [...r.byType, ...r.byStrand, ...r.bySource, ...r.byDistrict]) {
      for (const v of [row.current, row.previous]) expect(v === null || v === 'hidden' || v === 0 || v >= 5).toBe(true);
    }
    expect(r.compliance).toBeNull();
    expect(r.overdueByOwner).toBeNull();
    expect(r.plan.overdueList).toBeNull();
    expect(r.chart.rounded).toBe(true);
    for (const s of r.chart.series) for (const v of s.values) expect(v === null || v === 0 || v % 5 === 0).toBe(true);
  });

  it('period edges at a BST change: last week before 26 Oct 2026 is Mon 19 Oct 00:00 BST to Mon 26 Oct 00:00 GMT', async () => {
    await addOccurrence(db, { strands: ['race'], district: 'Wakefield', flaggedAt: '2026-10-18T22:59:59Z' }); // Sun 18 Oct 23:59:59 BST
    await addOccurrence(db, { strands: ['race'], district: 'Wakefield', flaggedAt: '2026-10-18T23:00:00Z' }); // Mon 19 Oct 00:00 BST
    await addOccurrence(db, { strands: ['race'], district: 'Wakefield', flaggedAt: '2026-10-25T23:59:59Z' }); // Sun 25 Oct 23:59:59 GMT
    await addOccurrence(db, { strands: ['race'], district: 'Wakefield', flaggedAt: '2026-10-26T00:00:00Z' }); // Mon 26 Oct 00:00 GMT
    const r = await ask(actors.force, 'last week', 'Wakefield', new Date('2026-10-28T12:00:00Z'));
    expect(r.period.start.toISOString()).toBe('2026-10-18T23:00:00.000Z');
    expect(r.period.end.toISOString()).toBe('2026-10-26T00:00:00.000Z');
    expect(r.totals).toMatchObject({ current: 2, previous: 1 });
  });

  it('one district spelled two ways across the two periods is one row, counted in both (one pass over both periods)', async () => {
    const now = new Date('2026-06-20T12:00:00Z');
    await addOccurrence(db, { strands: ['race', 'religion'], district: 'Hull', flaggedAt: '2026-06-03T10:00:00Z' });
    await addOccurrence(db, { strands: ['religion'], district: 'HULL', flaggedAt: '2026-05-04T10:00:00Z' });
    const r = await ask(actors.force, 'this month', 'hull', now);
    expect(r.byDistrict.map((d) => [d.key, d.current, d.previous])).toEqual([['hull', 1, 1]]);
    expect(['Hull', 'HULL']).toContain(r.byDistrict[0]!.label);
    expect(r.totals).toMatchObject({ current: 1, previous: 1, multiStrand: 1 });
    expect(rows(r.byStrand)).toMatchObject({ race: [1, 0], religion: [1, 1] });
    expect(Object.fromEntries(r.risk.map((x) => [x.key, x.count]))).toMatchObject({ ungraded: 1 });
  });

  it('every summary is an audited disclosure', async () => {
    await ask(actors.leedsManager, 'this month');
    const audit = await listAudit(db, 'summary', 'districts:leeds');
    const last = audit.at(-1)!;
    expect(last.action).toBe('summary.disclosed');
    expect(last.actor).toBe('user:mgr');
    expect(last.details).toMatchObject({
      reason: 'test',
      destination: 'conv-1',
      scope: { kind: 'districts', label: 'Leeds' },
      period: { kind: 'this_month', start: '2026-11-01T00:00:00.000Z' },
    });
  });
});

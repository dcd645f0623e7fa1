import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { strandMonths } from '../../db/summary/occurrence.queries.js';
import { chartMonths, computeSummary, parsePeriod, resolveSummaryScope } from '../../db/summary/summary.service.js';
import { bootHarness, occurrence, type Harness } from '../helpers/harness.js';
import { DAY, runJob } from '../retention/helpers.js';
import { actors, addReviews, settings } from './helpers.js';

// A force-wide summary reads its occurrence counts, chart, outcomes and review compliance from daily
// rollups kept by triggers (migration 2026-11-29T20); a summary of named districts counts the
// rows. Whatever the feed, a review or the retention job changes, a force-wide summary must show
// what a count of the rows shows.
describe('force-wide figures follow feed updates, reviews and retention erasure', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
  });
  afterEach(async () => h.close());

  const districts = ['Leeds', 'Bradford', 'Wakefield'];
  const withCompliance = { ...settings, complianceFrom: '2025-01-01' };

  /** The force-wide summary (rollups) and the same figures counted from the rows (every district by name). */
  const both = async () => {
    const now = h.clock.current;
    const period = parsePeriod('year to date', now);
    const pick = async (scope: ReturnType<typeof resolveSummaryScope>) => {
      const r = await computeSummary(h.db, scope, period, withCompliance, now);
      return {
        totals: r.totals,
        byType: r.byType,
        byStrand: r.byStrand,
        chart: r.chart,
        // The chart's counts before rounding: `<month index>|strand`.
        cells: Object.fromEntries(await strandMonths(h.db, scope, chartMonths(period).ranges)),
        bySource: r.bySource,
        byDistrict: r.byDistrict,
        risk: r.risk,
        outcomes: r.outcomes,
        compliance: r.compliance,
        overdue: r.overdueByOwner,
      };
    };
    const force = await pick(resolveSummaryScope(actors.force, null));
    const rows = await pick(resolveSummaryScope({ ...actors.force, roles: ['manager'], districts }, null));
    expect(force).toEqual(rows);
    // And the rollups hold what a plain count of the rows gives, over all time, by day and by month.
    for (const span of ['day', 'month']) {
      const plain = await sql<{ rollup: unknown; occurrences: unknown; reviews: unknown; due: unknown }>`
      select (select coalesce(sum(n), 0) from summary_daily where dim = 'total' and span = ${span}) as rollup,
        (select count(*) from occurrences) as occurrences,
        (select coalesce(sum(n), 0) from summary_reviews_daily where span = ${span}) as due,
        (select count(*) from scheduled_reviews where status <> 'cancelled') as reviews`.execute(h.db);
      expect(Number(plain.rows[0]!.rollup)).toBe(Number(plain.rows[0]!.occurrences));
      expect(Number(plain.rows[0]!.due)).toBe(Number(plain.rows[0]!.reviews));
    }
    return force;
  };
  const post = async (o: Record<string, unknown>, status = 201) => expect((await h.ingest(o)).status).toBe(status);
  const nchi = { recordedAs: 'nchi', offence: undefined };

  it('counts, strands, sources, districts, risk, outcomes and compliance agree after inserts, corrections and erasure', async () => {
    const a = occurrence({ district: 'Leeds', flaggedAt: '2026-03-10T12:00:00Z' });
    // Today, before the clock (10:00): a partial day the rollup does not cover whole.
    const b = occurrence({ district: 'Bradford', source: 'online', strands: ['race', 'religion'], flaggedAt: '2026-11-20T08:00:00Z' });
    const c = occurrence({ ...nchi, district: 'Wakefield', strands: ['disability'], flaggedAt: '2025-06-01T12:00:00Z' });
    // The previous period's last, partial day.
    const d = occurrence({ district: 'Leeds', strands: ['disability'], flaggedAt: '2025-11-20T09:00:00Z' });
    const e = occurrence({ district: 'Leeds', flaggedAt: '2026-10-01T12:00:00Z' });
    for (const o of [a, b, c, d, e]) await post(o);
    let f = await both();
    expect(f.totals).toMatchObject({ current: 3, previous: 2, multiStrand: 1 });
    // The chart's 12 months (Dec 2025 to Nov 2026, today's hours included): a, b's two strands, e.
    expect(f.cells).toEqual({ '3|race': 1, '10|race': 1, '11|race': 1, '11|religion': 1 });
    // Days on, b's first reviews are past due and pending: compliance and overdue owners count them.
    h.clock.advance(3 * DAY);
    f = await both();
    expect(f.compliance?.reduce((n, r) => n + r.overdueOpen, 0)).toBeGreaterThan(0);
    expect(f.overdue?.length).toBeGreaterThan(0);

    // The RMS corrects them: another district and strand, a flag date in the previous period, a
    // crime recorded after all, an outcome.
    await post({ ...a, district: 'Bradford', strands: ['sexual_orientation'] }, 200);
    await post({ ...b, flaggedAt: '2025-02-01T12:00:00Z' }, 200);
    await post({ ...c, recordedAs: 'crime', offence: 'Criminal damage' }, 200);
    await post({ ...e, status: 'closed', outcome: 'Charge/summons' }, 200);
    const [idA] = (
      await h.db
        .selectFrom('occurrences')
        .select('id')
        .where('reference', '=', a.reference as string)
        .execute()
    ).map((r) => r.id);
    await addReviews(h.db, idA!, 'high');
    // A review answered (the sweep and the answer cards write these columns).
    await sql`update scheduled_reviews set status = 'done', completed_at = due_at - interval '1 hour'
      where id = (select id from scheduled_reviews where due_at < ${h.clock.current} order by due_at limit 1)`.execute(h.db);
    // An hour on, so the closure (stamped when the feed said so) is in the period.
    h.clock.advance(DAY / 24);
    f = await both();
    expect(f.compliance?.reduce((n, r) => n + r.onTime, 0)).toBe(1);
    expect(f.totals).toMatchObject({ current: 2, previous: 3, multiStrand: 0 });
    expect(f.risk.find((r) => r.key === 'high')?.count).toBe(1);
    expect(f.outcomes.closed).toBe(1);

    // Closed over a day ago: the retention job erases it, with its scheduled reviews.
    h.clock.advance(2 * DAY);
    expect(await runJob(h, { closedOccurrenceDays: 1 })).toMatchObject({ closedOccurrences: 1 });
    f = await both();
    expect(f.totals).toMatchObject({ current: 1, previous: 3 });
    expect(f.outcomes.closed).toBe(0);
  });
});

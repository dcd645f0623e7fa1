import { describe, expect, it } from 'vitest';
import { ForbiddenError, ValidationError } from '../../db/errors.js';
import { resolveScrutinyScope, resolveSummaryScope } from '../../db/summary/access.policy.js';
import { anonymiseCases, cleanClassification, randomPositions, type ScrutinyRow } from '../../db/summary/anonymise.policy.js';
import { safeCell } from '../../db/summary/csv.policy.js';
import { chartMonths, isoWeekKey, parsePeriod } from '../../db/summary/period.policy.js';
import { suppressChartPoint, suppressGrid, suppressTable } from '../../db/summary/suppression.policy.js';
import { fmtCount } from '../../cards/summary.card.js';
import { parseSummaryArgs } from '../../bot/teams/summary/summary.command.js';

const iso = (d: Date) => d.toISOString();
const NOW = new Date('2026-11-20T10:00:00Z');

describe('period policy (Europe/London)', () => {
  it('this month runs to now and is compared with the same elapsed part of last month', () => {
    const p = parsePeriod(null, NOW);
    expect(p.kind).toBe('this_month');
    expect([iso(p.start), iso(p.end), p.toDate]).toEqual(['2026-11-01T00:00:00.000Z', NOW.toISOString(), true]);
    // 1 Oct 00:00 BST + 19 days 10 hours = 20 Oct 10:00 BST
    expect([iso(p.previous.start), iso(p.previous.end)]).toEqual(['2026-09-30T23:00:00.000Z', '2026-10-20T09:00:00.000Z']);
    expect(p.label).toBe('This month (November 2026) · 1–20 Nov 2026, to date');
  });

  it('last month, quarters, year to date and financial year to date', () => {
    const lm = parsePeriod('Last Month', NOW);
    expect([iso(lm.start), iso(lm.end), lm.toDate]).toEqual(['2026-09-30T23:00:00.000Z', '2026-11-01T00:00:00.000Z', false]);
    expect([iso(lm.previous.start), iso(lm.previous.end)]).toEqual(['2026-08-31T23:00:00.000Z', '2026-09-30T23:00:00.000Z']);
    const lq = parsePeriod('last quarter', NOW);
    expect([iso(lq.start), iso(lq.end)]).toEqual(['2026-06-30T23:00:00.000Z', '2026-09-30T23:00:00.000Z']);
    expect([iso(lq.previous.start), iso(lq.previous.end)]).toEqual(['2026-03-31T23:00:00.000Z', '2026-06-30T23:00:00.000Z']);
    expect(lq.label).toContain('Q3 2026');
    const tq = parsePeriod('this quarter', NOW);
    expect(iso(tq.start)).toBe('2026-09-30T23:00:00.000Z');
    expect(iso(parsePeriod('ytd', NOW).start)).toBe('2026-01-01T00:00:00.000Z');
    expect(iso(parsePeriod('financial year to date', NOW).start)).toBe('2026-03-31T23:00:00.000Z');
    expect(iso(parsePeriod('financial year to date', new Date('2026-02-01T00:00:00Z')).start)).toBe('2025-03-31T23:00:00.000Z');
  });

  it('weeks start on Monday at 00:00 local time, across the October BST change (a 169-hour week)', () => {
    const p = parsePeriod('last week', new Date('2026-10-28T12:00:00Z'));
    expect([iso(p.start), iso(p.end)]).toEqual(['2026-10-18T23:00:00.000Z', '2026-10-26T00:00:00.000Z']);
    expect((p.end.getTime() - p.start.getTime()) / 3_600_000).toBe(169);
    const spring = parsePeriod('last week', new Date('2026-04-01T12:00:00Z'));
    expect([iso(spring.start), iso(spring.end)]).toEqual(['2026-03-23T00:00:00.000Z', '2026-03-29T23:00:00.000Z']);
  });

  it('date ranges in UK and ISO forms; the end day is included; the previous period has the same length', () => {
    for (const text of ['1/10/2026 to 31/10/2026', '2026-10-01 - 2026-10-31', 'from 1 Oct 2026 to 31 October 2026']) {
      const p = parsePeriod(text, NOW);
      expect([p.kind, iso(p.start), iso(p.end)]).toEqual(['range', '2026-09-30T23:00:00.000Z', '2026-11-01T00:00:00.000Z']);
      expect([iso(p.previous.start), iso(p.previous.end)]).toEqual(['2026-08-30T23:00:00.000Z', '2026-09-30T23:00:00.000Z']);
    }
    expect(parsePeriod('1/11/2026 to 30/11/2026', NOW).toDate).toBe(true);
  });

  it('refuses what it cannot read, reversed and future ranges, and very long ranges', () => {
    for (const bad of [
      'next year',
      '31/10/2026 to 1/10/2026',
      '1/12/2026 to 2/12/2026',
      '1/1/2020 to 1/1/2026',
      '1/13/2026 to 2/13/2026',
    ]) {
      expect(() => parsePeriod(bad, NOW)).toThrow(ValidationError);
    }
  });

  it('chart months and ISO week keys', () => {
    expect(chartMonths(parsePeriod('last month', NOW)).months).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
    ]);
    expect(isoWeekKey(new Date('2026-11-16T00:30:00Z'))).toBe('2026-W47');
    expect(isoWeekKey(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53');
  });
});

describe('command arguments', () => {
  it('splits period and district', () => {
    expect(parseSummaryArgs('last quarter district West Yorkshire (South)')).toEqual({
      ok: true,
      period: 'last quarter',
      district: 'West Yorkshire (South)',
    });
    expect(parseSummaryArgs('')).toEqual({ ok: true, period: null, district: null });
    expect(parseSummaryArgs('district Leeds')).toEqual({ ok: true, period: null, district: 'Leeds' });
    expect(parseSummaryArgs('this month in Bradford')).toEqual({ ok: true, period: 'this month', district: 'Bradford' });
    expect(parseSummaryArgs('district <script>').ok).toBe(false);
  });
});

describe('small-number suppression', () => {
  it('hides 1 to 4, keeps 0, and hides a second cell so none can be worked out from the total', () => {
    expect(suppressTable([12, 3, 0, 20], 35, 5)).toEqual({ cells: ['hidden', null, 0, 20], total: 35 });
    expect(suppressTable([12, 3, 2, 20], 37, 5)).toEqual({ cells: [12, null, null, 20], total: 37 });
    expect(suppressTable([3, 0], 3, 5)).toEqual({ cells: [null, 0], total: null });
    expect(suppressTable([6, 7], 13, 5)).toEqual({ cells: [6, 7], total: 13 });
  });

  it('a cell hidden to protect a small one reads "hidden", never "<5", even when it is 19', () => {
    const t = suppressTable([3, 19, 40], 62, 5);
    expect(t).toEqual({ cells: [null, 'hidden', 40], total: 62 });
    expect(t.cells.map((c) => fmtCount(c, 5))).toEqual(['<5', 'hidden', '40']);
  });

  it('repeats across rows and columns until no hidden cell can be worked out', () => {
    // Row 0 has one small cell (3): its smallest other cell (10) is hidden. That leaves column 1
    // with one hidden cell, so its smallest other (12) goes too, then row 1 needs a second (20).
    const g = suppressGrid(
      [
        [3, 10, 30],
        [20, 12, 25],
      ],
      [43, 57],
      [23, 22, 55],
      5,
    );
    expect(g.cells).toEqual([
      [null, 'hidden', 30],
      ['hidden', 'hidden', 25],
    ]);
    expect(g.rowTotals).toEqual([43, 57]);
    expect(g.colTotals).toEqual([23, 22, 55]);
    // every row and column with a shown total has none or at least two hidden cells
    for (const line of [...g.cells, ...[0, 1, 2].map((j) => g.cells.map((r) => r[j]))])
      expect(line.filter((c) => typeof c !== 'number').length).not.toBe(1);
  });

  it('hides a total that would give away the only hidden cell of its column', () => {
    // Column 0 holds a hidden 19 next to a 0: its total (19) would tell it, so the total is hidden.
    const g = suppressGrid(
      [
        [2, 19, 30],
        [0, 0, 8],
      ],
      [51, 8],
      [2, 19, 38],
      5,
    );
    expect(g.cells).toEqual([
      [null, 'hidden', 30],
      [0, 0, 8],
    ]);
    expect(g.colTotals).toEqual([null, 'hidden', 38]);
  });

  it('chart points are rounded to 5 with small ones as gaps', () => {
    expect([0, 2, 5, 7, 8, 23].map((n) => suppressChartPoint(n, 5))).toEqual([0, null, 5, 5, 10, 25]);
  });
});

describe('who sees what', () => {
  const base = { label: 'user:1', upn: 'a@b', districts: [] as string[] };
  it('force-level, district, own and partner scopes', () => {
    // Need to know: admin sees no figures; force-wide only from '*', never from an empty list.
    expect(() => resolveSummaryScope({ ...base, roles: ['admin'], districts: ['*'] }, null)).toThrow(ForbiddenError);
    expect(resolveSummaryScope({ ...base, roles: ['coordinator'], districts: ['*'] }, null).kind).toBe('force');
    expect(() => resolveSummaryScope({ ...base, roles: ['coordinator'] }, null)).toThrow(/no districts/);
    expect(() => resolveSummaryScope({ ...base, roles: ['manager'] }, 'Leeds')).toThrow(ForbiddenError);
    expect(() => resolveSummaryScope({ ...base, roles: ['partner'] }, null)).toThrow(ForbiddenError);
    expect(resolveSummaryScope({ ...base, roles: ['manager'], districts: ['Leeds', 'Bradford'] }, null)).toMatchObject({
      kind: 'districts',
      districts: ['leeds', 'bradford'],
      aggregatesOnly: false,
    });
    expect(resolveSummaryScope({ ...base, roles: ['manager'], districts: ['Leeds'] }, 'LEEDS')).toMatchObject({ districts: ['leeds'] });
    expect(() => resolveSummaryScope({ ...base, roles: ['manager'], districts: ['Leeds'] }, 'Bradford')).toThrow(ForbiddenError);
    expect(resolveSummaryScope({ ...base, roles: ['officer', 'partner'], upn: 'PC@X' }, null)).toMatchObject({ kind: 'own', upn: 'pc@x' });
    expect(resolveSummaryScope({ ...base, roles: ['partner'], districts: ['Leeds'] }, null)).toMatchObject({
      kind: 'districts',
      aggregatesOnly: true,
    });
    expect(() => resolveSummaryScope({ ...base, roles: [] }, null)).toThrow(ForbiddenError);
  });
  it('scrutiny packs are for coordinators and managers and always aggregates-only', () => {
    expect(resolveScrutinyScope({ ...base, roles: ['coordinator'], districts: ['*'] }, null)).toMatchObject({
      kind: 'force',
      aggregatesOnly: true,
    });
    expect(resolveScrutinyScope({ ...base, roles: ['manager'], districts: ['Leeds'] }, null)).toMatchObject({
      kind: 'districts',
      districts: ['leeds'],
      aggregatesOnly: true,
    });
    expect(() => resolveScrutinyScope({ ...base, roles: ['coordinator'] }, null)).toThrow(ForbiddenError);
    expect(() => resolveScrutinyScope({ ...base, roles: ['admin'], districts: ['*'] }, null)).toThrow(ForbiddenError);
    expect(() => resolveScrutinyScope({ ...base, roles: ['officer'] }, null)).toThrow(ForbiddenError);
    expect(() => resolveScrutinyScope({ ...base, roles: ['partner'] }, null)).toThrow(ForbiddenError);
  });
});

describe('anonymisation', () => {
  const row: ScrutinyRow = {
    flagged_month: '2026-08',
    closed_month: null,
    recorded_as: 'crime',
    offence: 'Harassment ref 13/204518/26',
    strands: ['transgender', 'race'],
    source: 'rms',
    district: 'Leeds',
    location_type: 'Flat 3, 12 High St',
    status: 'closed',
    outcome: '=HYPERLINK("x")',
    victim_satisfied: null,
    risk_grade: 'high',
    victims: 1,
    suspects: 2,
    vulnerable: true,
    repeat_victim: false,
    reviews_on_time: 2,
    reviews_late: 1,
    reviews_overdue: 0,
    checklist: [
      { label: 'Victim contacted by a supervisor within 24h', decision: 'no' },
      { label: 'x', decision: 'yes' },
    ],
  };
  it('keeps months, classifications and counts; drops anything that looks like a reference or free text', () => {
    const [c] = anonymiseCases([row], ['race', 'religion', 'sexual_orientation', 'disability', 'transgender']);
    expect(c).toMatchObject({
      label: 'Case 1',
      flaggedMonth: 'Aug 2026',
      closedMonth: null,
      offence: 'Offence not recorded',
      strands: ['Race', 'Transgender'],
      locationType: 'Other',
      outcome: 'Outcome not recorded',
      riskGrade: 'High',
    });
    expect(c!.checklist).toEqual({ yes: 1, no: 1, na: 0, noItems: ['Victim contacted by a supervisor within 24h'] });
    for (const ok of [
      'Racially or religiously aggravated public fear, alarm or distress',
      'Intentional harassment, alarm or distress (s4A Public Order Act 1986)',
      'Investigation complete – no suspect identified',
      'Charge/summons',
    ]) {
      expect(cleanClassification(ok, 'x')).toBe(ok);
    }
    for (const bad of ['Harassment 13/204518/26', 'Victim P-0001234', 'Location L-004512', 'Crime 123456', 'Case 4521'])
      expect(cleanClassification(bad, 'x')).toBe('x');
  });
  it('CSV cells cannot start a formula', () => {
    expect(['=1+1', '+44', '-3', '@x', 'ok', null, true].map(safeCell)).toEqual(["'=1+1", "'+44", "'-3", "'@x", 'ok', '', 'yes']);
  });
  it('random positions are distinct and in range', () => {
    const p = randomPositions(1000, 5);
    expect(new Set(p).size).toBe(5);
    expect(p.every((i) => i >= 0 && i < 1000)).toBe(true);
    expect(randomPositions(3, 5).sort()).toEqual([0, 1, 2]);
  });
});

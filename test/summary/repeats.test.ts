import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/schema.js';
import type { SummaryScope } from '../../db/summary/access.policy.js';
import { repeatCounts, type Window } from '../../db/summary/occurrence.queries.js';
import { freshDatabase } from '../helpers/harness.js';
import { addOccurrence } from './helpers.js';

interface Occ {
  flaggedAt: Date;
  district: string;
  location: string | null;
  victims: string[];
  suspects: string[];
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const DAY = 86_400_000;
const END = new Date('2026-11-20T10:00:00Z');
const WINDOW_START = new Date('2025-11-20T10:00:00Z'); // 12 months before END
const DISTRICTS = ['Leeds', 'Bradford', 'Wakefield'];

/**
 * 300 occurrences over the 30 months before END, people drawn from small pools (so many repeat,
 * some as victim in one and suspect in another), plus hand-placed ones on the edges: a person's
 * other occurrence exactly at the window's start (in) or 1 ms before it (out), at the period's
 * start, and two victims on one occurrence.
 */
function dataset(): Occ[] {
  const r = random(11);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: Occ[] = [];
  for (let i = 0; i < 300; i++) {
    const victims = [`P-${Math.floor(r() * 120)}`];
    if (r() < 0.1) victims.push(`P-${120 + Math.floor(r() * 20)}`);
    const suspects = r() < 0.6 ? [`P-${Math.floor(r() * 90)}`] : [];
    out.push({
      flaggedAt: new Date(END.getTime() - r() * 30 * 30 * DAY),
      district: pick(DISTRICTS),
      location: r() < 0.85 ? `L-${Math.floor(r() * 80)}` : null,
      victims,
      suspects,
    });
  }
  const at = (iso: string, district: string, victims: string[], suspects: string[], location: string | null): Occ => ({
    flaggedAt: new Date(iso),
    district,
    location,
    victims,
    suspects,
  });
  out.push(
    at('2026-03-01T12:00:00Z', 'Leeds', ['EDGE-IN'], ['EDGE-S'], 'L-EDGE-IN'),
    at(WINDOW_START.toISOString(), 'Bradford', ['EDGE-IN'], [], 'L-EDGE-IN'),
    at('2026-03-02T12:00:00Z', 'Leeds', ['EDGE-OUT'], [], 'L-EDGE-OUT'),
    at(new Date(WINDOW_START.getTime() - 1).toISOString(), 'Leeds', ['EDGE-OUT'], ['EDGE-S'], 'L-EDGE-OUT'),
    at('2026-01-01T00:00:00Z', 'Wakefield', ['EDGE-START', 'EDGE-TWO'], ['EDGE-START'], null),
    at('2025-12-31T23:59:59.999Z', 'Wakefield', ['EDGE-START'], [], null),
    at('2026-11-20T09:59:59.999Z', 'Leeds', ['EDGE-END'], [], null),
    at(END.toISOString(), 'Leeds', ['EDGE-END'], [], null), // at the end: outside every window
  );
  return out;
}

/** The rule spelled out (docs/domain.md "Repeat victimisation"), one person and one place at a time. */
function naive(data: Occ[], inScope: (o: Occ) => boolean, w: Window, windowStart: Date, min: number) {
  const inPeriod = (o: Occ) => o.flaggedAt >= w.start && o.flaggedAt < w.end && inScope(o);
  const inWindow = (o: Occ) => o.flaggedAt >= windowStart && o.flaggedAt < w.end;
  const people = (role: 'victims' | 'suspects') => {
    const refs = new Set(data.filter(inPeriod).flatMap((o) => o[role]));
    return [...refs].filter((p) => data.filter((o) => inWindow(o) && o[role].includes(p)).length >= min).length;
  };
  const places = new Set(data.filter(inPeriod).flatMap((o) => (o.location ? [o.location] : [])));
  const location = [...places].filter((l) => data.filter((o) => inWindow(o) && o.location === l).length >= min).length;
  return { victim: people('victims'), suspect: people('suspects'), location };
}

const window = (start: string, end = END): Window => ({ start: new Date(start), end, prevStart: new Date(0), prevEnd: new Date(start) });

describe('repeat counts match a count of each person and place, whatever the period and scope', () => {
  let db: Kysely<Database>;
  let drop: () => Promise<void>;
  const data = dataset();

  beforeAll(async () => {
    ({ db, drop } = await freshDatabase());
    for (const o of data)
      await addOccurrence(db, {
        strands: ['race'],
        flaggedAt: o.flaggedAt.toISOString(),
        district: o.district,
        location: o.location,
        victims: o.victims,
        suspects: o.suspects,
      });
  }, 120_000);
  afterAll(async () => drop());

  const force: SummaryScope = { kind: 'force', label: 'Force', aggregatesOnly: false };
  const leeds: SummaryScope = { kind: 'districts', label: 'Leeds', districts: ['leeds'], aggregatesOnly: false };
  const cases: [string, SummaryScope, (o: Occ) => boolean, Window, Date, number][] = [
    ['force, year to date', force, () => true, window('2026-01-01T00:00:00Z'), WINDOW_START, 2],
    ['force, year to date, 3 or more', force, () => true, window('2026-01-01T00:00:00Z'), WINDOW_START, 3],
    ['force, this month', force, () => true, window('2026-11-01T00:00:00Z'), WINDOW_START, 2],
    ['force, 2 years (longer than the window)', force, () => true, window('2024-11-20T10:00:00Z'), WINDOW_START, 2],
    ['Leeds, year to date', leeds, (o) => o.district === 'Leeds', window('2026-01-01T00:00:00Z'), WINDOW_START, 2],
    [
      'Leeds, last quarter',
      leeds,
      (o) => o.district === 'Leeds',
      window('2026-07-01T00:00:00Z', new Date('2026-10-01T00:00:00Z')),
      new Date('2025-10-01T00:00:00Z'),
      2,
    ],
  ];

  it.each(cases)('%s', async (_label, scope, inScope, w, windowStart, min) => {
    const expected = naive(data, inScope, w, windowStart, min);
    expect(expected.victim).toBeGreaterThan(0); // the dataset has repeats in every case
    expect(await repeatCounts(db, scope, w, windowStart, min)).toEqual(expected);
  });

  it('an occurrence at the window start counts, one a millisecond before it does not, and the role matters', async () => {
    const w = window('2026-01-01T00:00:00Z');
    const base = naive(data, () => true, w, WINDOW_START, 2);
    // EDGE-IN's second occurrence is exactly at the window start, EDGE-OUT's 1 ms before it;
    // EDGE-S is a suspect twice, but once before the window; EDGE-START is victim twice, suspect once.
    const without = naive(
      data.filter((o) => !o.victims.some((v) => v.startsWith('EDGE'))),
      () => true,
      w,
      WINDOW_START,
      2,
    );
    expect(base.victim - without.victim).toBe(2); // EDGE-IN and EDGE-START; not EDGE-OUT, EDGE-TWO or EDGE-END
    expect(await repeatCounts(db, force, w, WINDOW_START, 2)).toEqual(base);
  });
});

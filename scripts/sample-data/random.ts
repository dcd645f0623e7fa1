import { DateTime } from 'luxon';
import { ZONE } from '../../db/time/london-time.js';

/** A small seeded PRNG (mulberry32): returns a function giving floats in [0, 1). Deterministic per seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A source of floats in [0, 1). */
export type Rng = () => number;
/** A whole number in 0..n-1. */
export const int = (rnd: Rng, n: number): number => Math.floor(rnd() * n);
/** A float in [lo, hi). */
export const between = (rnd: Rng, lo: number, hi: number): number => lo + rnd() * (hi - lo);
/** True with probability p. */
export const chance = (rnd: Rng, p: number): boolean => rnd() < p;

/** One item, uniformly. @throws RangeError on an empty list */
export function pickOne<T>(rnd: Rng, items: readonly T[]): T {
  const item = items[int(rnd, items.length)];
  if (item === undefined) throw new RangeError('pickOne: empty list');
  return item;
}

/** One item by its weight ([item, weight] pairs). @throws RangeError on an empty list */
export function pickWeighted<T>(rnd: Rng, items: ReadonlyArray<readonly [T, number]>): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let r = rnd() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  const last = items[items.length - 1];
  if (last === undefined) throw new RangeError('pickWeighted: empty list');
  return last[0];
}

/** Whole seconds of a duration given in hours. */
export const hoursMs = (hours: number): number => Math.round(hours * 3600) * 1000;

/** ISO 8601 in Europe/London with offset. @throws RangeError on an invalid time */
export function iso(ms: number): string {
  const text = DateTime.fromMillis(ms, { zone: ZONE }).toISO();
  if (text === null) throw new RangeError(`invalid time ${String(ms)}`);
  return text;
}

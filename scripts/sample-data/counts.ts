import type { FeedOccurrence } from './feed.js';
import { REPEAT_WINDOW_MS } from './mix.js';

/** Counts of a generated (or any) feed: crimes vs NCHI, strands, sources, statuses and repeats. */
export interface SampleSummary {
  total: number;
  crimes: number;
  nchi: number;
  /** Public order offences among crimes (offence text names the Public Order Act or s31 CDA 1998). */
  publicOrder: number;
  strands: Record<string, number>;
  sources: Record<string, number>;
  statuses: Record<string, number>;
  /** Occurrences reusing a ref seen in an earlier occurrence within 365 days, overall and by kind. */
  repeats: { any: number; victim: number; suspect: number; location: number };
}

/**
 * Summarise occurrences for the CLI's one-line report. A repeat is an
 * occurrence whose victim, suspect or location ref appeared in another
 * occurrence flagged in the previous 365 days (docs/domain.md default repeat rule).
 */
export function summariseOccurrences(occurrences: readonly FeedOccurrence[]): SampleSummary {
  const inc = (rec: Record<string, number>, key: string): void => {
    rec[key] = (rec[key] ?? 0) + 1;
  };
  const s: SampleSummary = {
    total: occurrences.length,
    crimes: 0,
    nchi: 0,
    publicOrder: 0,
    strands: {},
    sources: {},
    statuses: {},
    repeats: { any: 0, victim: 0, suspect: 0, location: 0 },
  };
  const lastSeen = new Map<string, number>();
  const sorted = [...occurrences].sort((a, b) => Date.parse(a.flaggedAt) - Date.parse(b.flaggedAt));
  for (const o of sorted) {
    if (o.recordedAs === 'crime') s.crimes += 1;
    else s.nchi += 1;
    if (o.offence && /Public Order Act|s31 CDA/.test(o.offence)) s.publicOrder += 1;
    for (const k of o.strands) inc(s.strands, k);
    inc(s.sources, o.source ?? 'rms');
    inc(s.statuses, o.status ?? 'open');
    const t = Date.parse(o.flaggedAt);
    const refs: Array<[keyof SampleSummary['repeats'], string]> = [
      ...o.victims.map((v) => ['victim', `P:${v.ref}`] as [keyof SampleSummary['repeats'], string]),
      ...(o.suspects ?? []).map((p) => ['suspect', `P:${p.ref}`] as [keyof SampleSummary['repeats'], string]),
      ...(o.location ? [['location', `L:${o.location.ref}`] as [keyof SampleSummary['repeats'], string]] : []),
    ];
    const kinds = new Set(refs.filter(([, ref]) => t - (lastSeen.get(ref) ?? -Infinity) <= REPEAT_WINDOW_MS).map(([k]) => k));
    for (const k of kinds) s.repeats[k] += 1;
    if (kinds.size > 0) s.repeats.any += 1;
    for (const [, ref] of refs) lastSeen.set(ref, t);
  }
  return s;
}

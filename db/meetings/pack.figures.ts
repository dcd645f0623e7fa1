import { sql } from 'kysely';
import { isOverdue, type Action, type ActionStatus } from '../actions/actions.model.js';
import { isPositiveOutcome } from '../documents/outcomes.policy.js';
import type { Db } from '../schema.js';
import { SOURCE_LABELS } from '../summary/report.policy.js';
import { londonDate } from '../time/london-time.js';

/** Occurrence sources in the feed's order (docs/interfaces.md): third-party and online reports are "Third party reporting". */
const SOURCES = ['rms', 'third_party', 'online', 'manual'] as const;

/** The figures of a meeting pack: force-wide counts only (meetings belong to the whole force), never a person. */
export interface PackFigures {
  crime: number;
  nchi: number;
  byDistrict: { district: string; crime: number; nchi: number }[];
  /** Reports by source since the last meeting, and in the equal period before it. */
  bySource: { source: string; label: string; count: number; previous: number }[];
  /** Reports from third party reporting centres and online (True Vision) since the last meeting. */
  thirdPartyAndOnline: number;
  /** Occurrences closed or filed since the last meeting (closure time, else flag time), by outcome. */
  outcomes: {
    closed: number;
    positive: number;
    byOutcome: { outcome: string; count: number; positive: boolean }[];
    satisfied: number;
    dissatisfied: number;
  };
  actionsByStatus: { status: ActionStatus; count: number }[];
  overdueActions: number;
}

const n = (v: unknown) => Number(v ?? 0);

async function byDistrict(db: Db, since: Date, now: Date) {
  const rows = await sql<{ district: string; recorded_as: string; n: unknown }>`
    select district, recorded_as, count(*) as n from occurrences
    where flagged_at >= ${since} and flagged_at <= ${now} group by district, recorded_as order by district`.execute(db);
  const out = new Map<string, { district: string; crime: number; nchi: number }>();
  for (const r of rows.rows) {
    const d = out.get(r.district) ?? { district: r.district, crime: 0, nchi: 0 };
    if (r.recorded_as === 'nchi') d.nchi += n(r.n);
    else d.crime += n(r.n);
    out.set(r.district, d);
  }
  return [...out.values()];
}

async function bySource(db: Db, since: Date, now: Date): Promise<PackFigures['bySource']> {
  const before = new Date(since.getTime() - (now.getTime() - since.getTime()));
  const rows = await sql<{ source: string; now_n: unknown; before_n: unknown }>`
    select source, count(*) filter (where flagged_at >= ${since}) as now_n, count(*) filter (where flagged_at < ${since}) as before_n
    from occurrences where flagged_at >= ${before} and flagged_at <= ${now} group by source`.execute(db);
  const seen = new Map(rows.rows.map((r) => [r.source, r]));
  const keys = [...SOURCES, ...[...seen.keys()].filter((k) => !(SOURCES as readonly string[]).includes(k)).sort()];
  return keys.map((k) => ({
    source: k,
    label: SOURCE_LABELS[k] ?? k,
    count: n(seen.get(k)?.now_n),
    previous: n(seen.get(k)?.before_n),
  }));
}

async function outcomes(db: Db, since: Date, now: Date): Promise<PackFigures['outcomes']> {
  const rows = await sql<{ outcome: string; n: unknown; satisfied: unknown; dissatisfied: unknown }>`
    select coalesce(outcome, '') as outcome, count(*) as n,
      count(*) filter (where victim_satisfied) as satisfied, count(*) filter (where victim_satisfied = false) as dissatisfied
    from occurrences
    where status <> 'open' and coalesce(closed_at, flagged_at) >= ${since} and coalesce(closed_at, flagged_at) <= ${now}
    group by coalesce(outcome, '')`.execute(db);
  const byOutcome = rows.rows
    .map((r) => ({ outcome: r.outcome || 'No outcome recorded', count: n(r.n), positive: isPositiveOutcome(r.outcome) }))
    .sort((a, b) => Number(b.positive) - Number(a.positive) || b.count - a.count || a.outcome.localeCompare(b.outcome));
  const sum = (f: (r: (typeof rows.rows)[number]) => unknown) => rows.rows.reduce((s, r) => s + n(f(r)), 0);
  return {
    closed: sum((r) => r.n),
    positive: byOutcome.filter((o) => o.positive).reduce((s, o) => s + o.count, 0),
    byOutcome,
    satisfied: sum((r) => r.satisfied),
    dissatisfied: sum((r) => r.dissatisfied),
  };
}

/**
 * The pack's figures over [since, now]: hate occurrences flagged by district (crime/NCHI) and by
 * source against the equal period before, outcomes of those closed, and the plan's actions by status.
 */
export async function packFigures(db: Db, since: Date, now: Date, actions: readonly Action[]): Promise<PackFigures> {
  const [districts, sources, closed] = await Promise.all([byDistrict(db, since, now), bySource(db, since, now), outcomes(db, since, now)]);
  const counts = new Map<ActionStatus, number>();
  for (const a of actions) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  const today = londonDate(now);
  return {
    crime: districts.reduce((s, d) => s + d.crime, 0),
    nchi: districts.reduce((s, d) => s + d.nchi, 0),
    byDistrict: districts,
    bySource: sources,
    thirdPartyAndOnline: sources.filter((s) => s.source === 'third_party' || s.source === 'online').reduce((s, x) => s + x.count, 0),
    outcomes: closed,
    actionsByStatus: [...counts].map(([status, count]) => ({ status, count })),
    overdueActions: actions.filter((a) => isOverdue(a, today)).length,
  };
}

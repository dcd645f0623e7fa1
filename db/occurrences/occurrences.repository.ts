import type { Db } from '../schema.js';
import type { FeedOccurrence } from './occurrence.feed.js';
import type { OccurrenceRow } from './occurrences.table.js';

const d = (s?: string) => (s ? new Date(s) : null);

/** Maps a validated feed occurrence onto the row's columns. */
export function toRow(o: FeedOccurrence, hash: string) {
  return {
    source: o.source,
    reference: o.reference,
    recorded_as: o.recordedAs,
    offence: o.offence ?? null,
    strands: o.strands,
    flagged_at: new Date(o.flaggedAt),
    reported_at: d(o.reportedAt),
    occurred_at: d(o.occurredAt),
    allocated_at: d(o.allocatedAt),
    district: o.district,
    location_ref: o.location?.ref ?? null,
    location_type: o.location?.type ?? null,
    location_description: o.location?.description ?? null,
    summary: o.summary ?? null,
    oic_upn: o.oic?.upn ?? null,
    oic_name: o.oic?.name ?? null,
    supervisor_upn: o.supervisor?.upn ?? null,
    supervisor_name: o.supervisor?.name ?? null,
    status: o.status,
    outcome: o.outcome ?? null,
    victim_satisfied: o.victimSatisfied ?? null,
    content_hash: hash,
  };
}

/** The people rows of an occurrence (pseudonymous refs only). */
export function toPeopleRows(occurrenceId: string, o: FeedOccurrence) {
  const victims = new Map(o.victims.map((v) => [v.ref, v]));
  const suspects = new Set((o.suspects ?? []).map((s) => s.ref));
  return [
    ...[...victims.values()].map((v) => ({
      occurrence_id: occurrenceId,
      role: 'victim' as const,
      person_ref: v.ref,
      vulnerable: v.vulnerable ?? null,
      enhanced: v.enhanced ?? null,
    })),
    ...[...suspects].map((ref) => ({
      occurrence_id: occurrenceId,
      role: 'suspect' as const,
      person_ref: ref,
      vulnerable: null,
      enhanced: null,
    })),
  ];
}

/** Existing occurrences keyed by `source|reference`. */
export async function findExisting(db: Db, keys: readonly { source: string; reference: string }[]): Promise<Map<string, OccurrenceRow>> {
  if (keys.length === 0) return new Map();
  const refs = [...new Set(keys.map((k) => k.reference))];
  const rows = await db.selectFrom('occurrences').selectAll().where('reference', 'in', refs).execute();
  return new Map(rows.map((r) => [`${r.source}|${r.reference}`, r]));
}

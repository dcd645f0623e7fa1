import type { Db } from '../schema.js';
import type { OccurrenceRow } from './occurrences.table.js';

// The read side of occurrences: what the review card and the `review` command need.

/** An occurrence as the review card needs it: classifications and refs, never identities. */
export interface OccurrenceDetail {
  id: string;
  source: string;
  reference: string;
  recordedAs: 'crime' | 'nchi';
  offence: string | null;
  strands: string[];
  flaggedAt: Date;
  allocatedAt: Date | null;
  district: string;
  locationType: string | null;
  oic: { upn: string; name: string | null } | null;
  supervisor: { upn: string; name: string | null } | null;
  status: string;
  /** Other occurrences in the repeat window sharing a victim / suspect / the location. */
  repeats: { victim: number; suspect: number; location: number; windowMonths: number; minOccurrences: number };
}

/** Repeat rule (docs/domain.md "Repeat victimisation"; default 2 occurrences within 12 months). */
export interface RepeatRule {
  windowMonths: number;
  minOccurrences: number;
}

/** The occurrence columns the card shows (no names, addresses or summaries). */
export type DetailColumns = Pick<
  OccurrenceRow,
  | 'id'
  | 'source'
  | 'reference'
  | 'recorded_as'
  | 'offence'
  | 'strands'
  | 'flagged_at'
  | 'allocated_at'
  | 'district'
  | 'location_type'
  | 'oic_upn'
  | 'oic_name'
  | 'supervisor_upn'
  | 'supervisor_name'
  | 'status'
>;

/** The kinds of ref a repeat is counted for. */
export type RepeatKind = 'victim' | 'suspect' | 'location';

/**
 * Which of an occurrence's refs make it a repeat under the force's rule (docs/domain.md "Repeat
 * victimisation"; REPEAT_MIN_OCCURRENCES): `minOccurrences` or more occurrences in the window, this
 * one included, so at least one other. Pure; the one place the rule is applied to an occurrence.
 */
export function repeatFlags(r: OccurrenceDetail['repeats']): Record<RepeatKind, boolean> {
  const repeat = (others: number) => others > 0 && others + 1 >= r.minOccurrences;
  return { victim: repeat(r.victim), suspect: repeat(r.suspect), location: repeat(r.location) };
}

/** Maps the card's columns and repeat counts to the occurrence detail (row to domain, explicitly). */
export function toDetail(r: DetailColumns, repeats: OccurrenceDetail['repeats']): OccurrenceDetail {
  return {
    id: r.id,
    source: r.source,
    reference: r.reference,
    recordedAs: r.recorded_as as 'crime' | 'nchi',
    offence: r.offence,
    strands: r.strands,
    flaggedAt: r.flagged_at,
    allocatedAt: r.allocated_at,
    district: r.district,
    locationType: r.location_type,
    oic: r.oic_upn ? { upn: r.oic_upn, name: r.oic_name } : null,
    supervisor: r.supervisor_upn ? { upn: r.supervisor_upn, name: r.supervisor_name } : null,
    status: r.status,
    repeats,
  };
}

/** Finds occurrences by RMS reference (any source), newest flag first. */
export async function findByReference(db: Db, reference: string): Promise<{ id: string; source: string; reference: string }[]> {
  return db
    .selectFrom('occurrences')
    .select(['id', 'source', 'reference'])
    .where('reference', '=', reference.trim())
    .orderBy('flagged_at', 'desc')
    .execute();
}

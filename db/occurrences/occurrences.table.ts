import type { Generated, Selectable } from 'kysely';

export interface OccurrencesTable {
  id: Generated<string>;
  source: string;
  reference: string;
  recorded_as: string;
  offence: string | null;
  strands: string[];
  flagged_at: Date;
  reported_at: Date | null;
  occurred_at: Date | null;
  allocated_at: Date | null;
  district: string;
  location_ref: string | null;
  location_type: string | null;
  location_description: string | null;
  summary: string | null;
  oic_upn: string | null;
  oic_name: string | null;
  supervisor_upn: string | null;
  supervisor_name: string | null;
  status: string;
  outcome: string | null;
  victim_satisfied: boolean | null;
  content_hash: string;
  /** When the bot saw the occurrence become filed or closed; null while open. */
  closed_at: Date | null;
  /** The latest review's version (0: none yet), grade and time, kept by a trigger on `reviews` (migration 2026-11-29T03). */
  current_review_version: Generated<number>;
  current_risk_grade: string | null;
  current_reviewed_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type OccurrenceRow = Selectable<OccurrencesTable>;

export interface OccurrencePeopleTable {
  occurrence_id: string;
  role: 'victim' | 'suspect';
  person_ref: string;
  vulnerable: boolean | null;
  enhanced: boolean | null;
}

/**
 * An investigation event from the feed (migration 2026-11-29T15): a fact, unique by type and instant;
 * `seq` (1, 2, … per occurrence, in the order first seen) never changes; `created_at` is when the
 * bot first saw it.
 */
export interface OccurrenceEventsTable {
  occurrence_id: string;
  seq: number;
  type: string;
  at: Date;
  created_at: Generated<Date>;
}

/**
 * One involvement of a ref in an occurrence (kind `victim`, `suspect` or `location`), with the flag
 * times of the same ref's previous and next occurrence of that kind; kept by triggers (migration
 * 2026-11-29T12), read by the summary's repeat counts.
 */
export interface RepeatLinksTable {
  kind: 'victim' | 'suspect' | 'location';
  ref: string;
  flagged_at: Date;
  occurrence_id: string;
  prev_at: Date | null;
  next_at: Date | null;
}

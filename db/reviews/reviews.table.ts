import type { Generated, Selectable } from 'kysely';

export interface ReviewsTable {
  id: Generated<string>;
  occurrence_id: string;
  version: number;
  risk_grade: string;
  risk_rationale: string | null;
  reviewer_user_id: string | null;
  reviewer_name: string;
  reviewed_at: Date;
  /** NCHI Code of Practice 2023 decisions (migration 2026-11-29T13); null on crimes. */
  nchi_threshold_met: Generated<boolean | null>;
  nchi_subject_refs: Generated<string | null>;
}
export type ReviewRow = Selectable<ReviewsTable>;

export interface ReviewDecisionsTable {
  review_id: string;
  item_key: string;
  item_label: string;
  decision: string;
  note: string | null;
}

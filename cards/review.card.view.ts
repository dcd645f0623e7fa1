/** A checklist answer. */
export type Decision = 'yes' | 'no' | 'na';
/** A risk grade. */
export type Grade = 'standard' | 'medium' | 'high';

/**
 * Everything the review card shows. References and classifications only: never a victim's,
 * complainant's, suspect's or subject's name, address or date of birth, nor their refs
 * (docs/domain.md "Data protection").
 */
export interface ReviewCardView {
  occurrenceId: string;
  reference: string;
  source: string;
  recordedAs: 'crime' | 'nchi';
  offence: string | null;
  strands: readonly string[];
  district: string;
  locationType: string | null;
  flaggedAt: Date;
  oic: { upn: string; name: string | null } | null;
  supervisor: { upn: string; name: string | null } | null;
  status: string;
  /** Other occurrences per ref kind, and (`flagged`) which of them are repeats under the force's rule (db/occurrences repeatFlags). */
  repeats: {
    victim: number;
    suspect: number;
    location: number;
    windowMonths: number;
    minOccurrences: number;
    flagged: Readonly<Record<'victim' | 'suspect' | 'location', boolean>>;
  };
  /**
   * The references behind each repeat count that this card's one viewer may see (the access rule
   * decided), and how many others there are. Absent: counts only (a channel has many viewers).
   */
  repeatRefs?: Readonly<Record<'victim' | 'suspect' | 'location', { refs: readonly string[]; more: number }>>;
  /** Items in force, with the NCHI wording already chosen where the occurrence is an NCHI. */
  checklist: readonly { key: string; label: string }[];
  review: {
    version: number;
    riskGrade: Grade;
    riskRationale: string | null;
    reviewerName: string;
    reviewedAt: Date;
    decisions: readonly { itemKey: string; itemLabel: string; decision: Decision; note: string | null }[];
    /** NCHI Code of Practice 2023 decisions; null or absent when none was recorded. */
    nchi?: { thresholdMet: boolean; subjectRefs: 'keep_harm' | 'keep_offence' | 'remove' } | null;
  } | null;
  /** The form asks for the NCHI Code of Practice 2023 decisions (an NCHI under NCHI_POLICY=code-2023). */
  nchiDecision?: boolean;
  /** Every version's grade, oldest first (the completed card's grade history). */
  grades?: readonly { version: number; riskGrade: Grade; reviewerName: string; reviewedAt: Date }[];
  /**
   * `form`: the checklist inputs and the submit button, only for someone the access rule lets
   * submit; `read` (default): read-only, for a channel's many viewers or someone who may not submit.
   */
  mode?: 'form' | 'read';
  /** Whether the read-only card offers the Review (Re-grade) button that asks for the form. */
  offerReview?: boolean;
  /** The occurrence's review schedule (issue 3), by deadline, and the time to judge it against (no `now`: nothing is marked overdue). */
  schedule?: readonly {
    title: string;
    dueAt: Date;
    status: 'pending' | 'done' | 'not_applicable' | 'cancelled';
    /** The answered outcome as words ("Referral made: Victim Support"), null when none. */
    outcome?: string | null;
    completedByName: string | null;
    completedAt: Date | null;
  }[];
  now?: Date;
  /** The occurrence in the records system (RMS_URL_TEMPLATE filled in); absent or null: no link. */
  recordsUrl?: string | null;
  /** A message above the form: why a submit was refused, or that someone reviewed first. */
  banner?: { kind: 'error' | 'warning' | 'success'; text: string; details?: readonly string[] };
  /** Answers to put back in the form (the user's own after a refused submit). */
  draft?: {
    decisions: Readonly<Record<string, { decision: Decision | null; note: string | null }>>;
    riskGrade: Grade | null;
    riskRationale: string | null;
    nchiThreshold?: string | null;
    nchiSubjectRefs?: string | null;
  };
}

import type { Count } from './suppression.policy.js';

export type { Count } from './suppression.policy.js';

/** One row of a breakdown compared with the previous equal period. */
export interface ComparedRow {
  key: string;
  label: string;
  current: Count;
  previous: Count;
}

/** Compliance of one review kind, over reviews due in the period. */
export interface ComplianceRow {
  kind: string;
  title: string;
  onTime: number;
  late: number;
  /** Still pending and past due. */
  overdueOpen: number;
  notApplicable: number;
  /** on time / (on time + late + overdue open), 0-100 rounded; null when none was due. */
  percentOnTime: number | null;
}

/** Delivery-plan actions of one pillar by status. */
export interface PillarRow {
  pillar: string;
  label: string;
  byStatus: { status: string; label: string; count: number }[];
  total: number;
}

/**
 * Everything a status summary shows (issue 5). Counts are computed in SQL; `null` counts are
 * suppressed (aggregates-only audiences). Identities never appear: no references, person or
 * location refs, names of victims or suspects, free text.
 */
export interface SummaryReport {
  generatedAt: Date;
  scope: { kind: 'force' | 'districts' | 'own'; label: string; aggregatesOnly: boolean };
  period: { kind: string; label: string; start: Date; end: Date; toDate: boolean; previous: { label: string; start: Date; end: Date } };
  /** Counts below this are hidden (aggregates-only); null when nothing is suppressed. */
  suppressBelow: number | null;
  totals: { current: Count; previous: Count; multiStrand: Count };
  byType: ComparedRow[];
  /** In the configured strand order (no hierarchy of hate); a multi-strand occurrence counts in each. */
  byStrand: ComparedRow[];
  bySource: ComparedRow[];
  byDistrict: ComparedRow[];
  /** Latest risk grade of the occurrences flagged in the period (`ungraded`: not reviewed yet). */
  risk: { key: string; label: string; count: Count }[];
  /** Open occurrences whose latest grade is high, now (whatever their flag date). */
  openHighRisk: Count;
  repeats: { victims: Count; suspects: Count; locations: Count; windowMonths: number; minOccurrences: number };
  /** Null for aggregates-only audiences. */
  compliance: ComplianceRow[] | null;
  /**
   * Compliance and overdue reviews count only reviews due from `from` on: COMPLIANCE_FROM
   * (`setting`) or the first occurrence the bot received (`live`). Null for aggregates-only, or
   * when the bot holds nothing yet.
   */
  complianceFrom: { from: Date; basis: 'setting' | 'live' } | null;
  /** Pending reviews past due now, by owner (most first, top 10); null for aggregates-only. */
  overdueByOwner: { owner: string; count: number }[] | null;
  overdueReviews: number | null;
  plan: {
    pillars: PillarRow[];
    overdue: number;
    /** Up to 5 overdue actions, oldest due first; null for aggregates-only. */
    overdueList: { ref: string; pillar: string; owner: string; dueDate: string }[] | null;
  };
  /** Closed or filed occurrences whose closure (or, when unknown, flag) falls in the period. */
  outcomes: { closed: Count; byOutcome: { outcome: string; count: Count }[]; satisfied: Count; dissatisfied: Count; notRecorded: Count };
  /** Sentences shown with the figures (wording.policy.ts), the same on the card and in the report. */
  notes: {
    /** Whether the strands add up to more than the distinct total, right for 0 and 1. */
    multiStrand: string;
    /** From when compliance counts ("Reviews due since 3 Nov 2026, when the bot went live…"); null for aggregates-only. */
    complianceSince: string | null;
    /** The suppression rules and why (aggregates-only); null otherwise. */
    aggregates: string | null;
    /** What is left out for partners and why; null when nothing is. */
    policeOnly: string | null;
    /** Why a figure reads "<5" or "hidden", for the sections that hold one; null when nothing is suppressed. */
    reasons: { small: string; hidden: string } | null;
  };
  /** Occurrences by strand per month, last 12 months (values null: suppressed gaps). */
  chart: { months: string[]; series: { strand: string; label: string; values: (number | null)[] }[]; rounded: boolean };
}

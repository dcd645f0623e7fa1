import { sql } from 'kysely';
import { toDetail, type DetailColumns } from '../occurrences/occurrences.read.js';
import type { OccurrenceDetail, RepeatRule } from '../occurrences/occurrences.service.js';
import type { Db } from '../schema.js';
import type { ScheduledReview } from '../schedule/schedule.service.js';
import { toReview as toScheduledReview } from '../schedule/schedule.types.js';
import type { ScheduledReviewRow } from '../schedule/schedule.table.js';
import type { Decision, NchiDecision, RiskGrade, SubjectRefDecision } from './checklist.policy.js';

// The review card's data in one statement (issue 11, item 1): the occurrence, its repeat counts and
// the linked occurrences behind them, its current review with decisions, every version's grade and
// its schedule. The card is read on every submit and every
// card post or update, so each statement saved is a round trip off the user's wait.

/** A saved HCC review (one version; a re-grade is a new version). */
export interface Review {
  id: string;
  occurrenceId: string;
  version: number;
  riskGrade: RiskGrade;
  riskRationale: string | null;
  reviewerName: string;
  reviewerUserId: string | null;
  reviewedAt: Date;
  decisions: { itemKey: string; itemLabel: string; decision: Decision; note: string | null }[];
  /** The NCHI Code of Practice 2023 decisions (NCHI_POLICY=code-2023); null on crimes and earlier reviews. */
  nchi: NchiDecision | null;
}

/** One version's grade, for the card's grade history (issue 12 item 8: who, when, grade). */
export interface GradeEntry {
  version: number;
  riskGrade: RiskGrade;
  reviewerName: string;
  reviewedAt: Date;
}

/**
 * An occurrence behind a repeat count, with what the access rule needs to decide whether a
 * viewer may see its reference (no people, no detail).
 */
export interface LinkedOccurrence {
  role: 'victim' | 'suspect' | 'location';
  reference: string;
  district: string;
  oicUpn: string | null;
  supervisorUpn: string | null;
}

/** Linked occurrences read per repeat kind, most recently flagged first; the counts hold all of them. */
export const LINKED_MAX = 10;

/** Everything the review card shows: the occurrence, its current review and its review schedule. */
export interface ReviewCardData {
  occurrence: OccurrenceDetail;
  review: Review | null;
  /** By deadline, then kind. */
  schedule: ScheduledReview[];
  /** Every version's grade, oldest first (empty before the first review). */
  grades: GradeEntry[];
  /** Up to LINKED_MAX occurrences per repeat kind; shown by reference only to viewers the access rule lets see them. */
  linked: LinkedOccurrence[];
}

interface CardRow extends DetailColumns {
  victim_repeats: string | number;
  suspect_repeats: string | number;
  location_repeats: string | number;
  review: JsonReview | null;
  schedule: JsonScheduled[];
  grades: { version: number; risk_grade: string; reviewer_name: string; reviewed_at: string }[];
  linked: { role: LinkedOccurrence['role']; reference: string; district: string; oic_upn: string | null; supervisor_upn: string | null }[];
}

type JsonReview = {
  id: string;
  occurrence_id: string;
  version: number;
  risk_grade: string;
  risk_rationale: string | null;
  reviewer_name: string;
  reviewer_user_id: string | null;
  reviewed_at: string;
  decisions: { item_key: string; item_label: string; decision: string; note: string | null }[];
  nchi_threshold_met?: boolean | null;
  nchi_subject_refs?: string | null;
};

/** A scheduled_reviews row as JSON: timestamps arrive as ISO text. */
export type JsonScheduled = {
  [K in keyof ScheduledReviewRow]: ScheduledReviewRow[K] extends Date | null ? string | null : ScheduledReviewRow[K];
};

const date = (s: string | null): Date | null => (s === null ? null : new Date(s));

function toReview(r: JsonReview): Review {
  return {
    id: r.id,
    occurrenceId: r.occurrence_id,
    version: r.version,
    riskGrade: r.risk_grade as RiskGrade,
    riskRationale: r.risk_rationale,
    reviewerName: r.reviewer_name,
    reviewerUserId: r.reviewer_user_id,
    reviewedAt: new Date(r.reviewed_at),
    decisions: r.decisions.map((d) => ({ itemKey: d.item_key, itemLabel: d.item_label, decision: d.decision as Decision, note: d.note })),
    nchi:
      r.nchi_threshold_met == null || !r.nchi_subject_refs
        ? null
        : { thresholdMet: r.nchi_threshold_met, subjectRefs: r.nchi_subject_refs as SubjectRefDecision },
  };
}

/** A scheduled review from its row as JSON (`to_jsonb` of a scheduled_reviews row). */
export function scheduledFromJson(s: JsonScheduled): ScheduledReview {
  return toScheduledReview({
    ...s,
    due_at: new Date(s.due_at!),
    completed_at: date(s.completed_at),
    next_step_at: date(s.next_step_at),
    snoozed_until: date(s.snoozed_until),
    event_at: date(s.event_at),
    created_at: new Date(s.created_at!),
    updated_at: new Date(s.updated_at!),
  });
}

/**
 * Reads a review card's data in one statement, or null when the bot does not hold the
 * occurrence. Repeats count other occurrences sharing a victim, a suspect (by RMS ref, never by
 * name: docs/domain.md "Repeat victimisation") or the location, flagged within `rule.windowMonths`
 * before this one's flag, and up to LINKED_MAX of them per kind are read out (for viewers who may
 * see them); grades are every version's, oldest first; the schedule is ordered by due date, then kind.
 */
export async function readReviewCard(db: Db, occurrenceId: string, rule: RepeatRule): Promise<ReviewCardData | null> {
  const months = rule.windowMonths;
  const { rows } = await sql<CardRow>`
    with me as (
      select o.*, o.flagged_at - make_interval(months => ${months}::int) as since from occurrences o where o.id = ${occurrenceId}
    ),
    linked as (
      -- Each of its victim, suspect and location refs (repeat_links, kept by triggers: migration
      -- 2026-11-29T12), then every other occurrence of the same ref since the window's start.
      select distinct l2.kind as role, o.id, o.reference, o.district, o.oic_upn, o.supervisor_upn, o.flagged_at
      from me
      join repeat_links l1 on l1.occurrence_id = me.id
      join repeat_links l2 on l2.kind = l1.kind and l2.ref = l1.ref and l2.occurrence_id <> me.id and l2.flagged_at >= me.since
      join occurrences o on o.id = l2.occurrence_id
    ),
    ranked as (
      select l.*, row_number() over (partition by l.role order by l.flagged_at desc, l.reference) as rn,
        count(*) over (partition by l.role) as n
      from linked l
    )
    select me.id, me.source, me.reference, me.recorded_as, me.offence, me.strands, me.flagged_at, me.allocated_at, me.district,
      me.location_type, me.oic_upn, me.oic_name, me.supervisor_upn, me.supervisor_name, me.status,
      coalesce((select max(n) from ranked where role = 'victim'), 0) as victim_repeats,
      coalesce((select max(n) from ranked where role = 'suspect'), 0) as suspect_repeats,
      coalesce((select max(n) from ranked where role = 'location'), 0) as location_repeats,
      (select coalesce(jsonb_agg(jsonb_build_object('role', k.role, 'reference', k.reference, 'district', k.district,
          'oic_upn', k.oic_upn, 'supervisor_upn', k.supervisor_upn) order by k.role, k.rn), '[]'::jsonb)
        from ranked k where k.rn <= ${LINKED_MAX}) as linked,
      (select to_jsonb(r) || jsonb_build_object('decisions',
          (select coalesce(jsonb_agg(to_jsonb(d)), '[]'::jsonb) from review_decisions d where d.review_id = r.id))
        from reviews r where r.occurrence_id = me.id order by r.version desc limit 1) as review,
      (select coalesce(jsonb_agg(jsonb_build_object('version', g.version, 'risk_grade', g.risk_grade,
          'reviewer_name', g.reviewer_name, 'reviewed_at', g.reviewed_at) order by g.version), '[]'::jsonb)
        from reviews g where g.occurrence_id = me.id) as grades,
      (select coalesce(jsonb_agg(to_jsonb(s) order by s.due_at, s.kind), '[]'::jsonb)
        from scheduled_reviews s where s.occurrence_id = me.id) as schedule
    from me`.execute(db);
  const r = rows[0];
  if (!r) return null;
  const occurrence = toDetail(r, {
    victim: Number(r.victim_repeats),
    suspect: Number(r.suspect_repeats),
    location: Number(r.location_repeats),
    windowMonths: rule.windowMonths,
    minOccurrences: rule.minOccurrences,
  });
  return {
    occurrence,
    review: r.review ? toReview(r.review) : null,
    schedule: r.schedule.map(scheduledFromJson),
    grades: r.grades.map((g) => ({
      version: g.version,
      riskGrade: g.risk_grade as RiskGrade,
      reviewerName: g.reviewer_name,
      reviewedAt: new Date(g.reviewed_at),
    })),
    linked: r.linked.map((l) => ({
      role: l.role,
      reference: l.reference,
      district: l.district,
      oicUpn: l.oic_upn,
      supervisorUpn: l.supervisor_upn,
    })),
  };
}

import { randomInt } from 'node:crypto';
import { DateTime } from 'luxon';
import { humanise, SOURCE_LABELS } from './report.policy.js';

/**
 * The only columns a scrutiny sample reads (scrutiny.queries.ts): no reference, id, person or
 * location ref, name, UPN, address, summary, location description, rationale or note.
 */
export interface ScrutinyRow {
  flagged_month: string;
  closed_month: string | null;
  recorded_as: string;
  offence: string | null;
  strands: string[];
  source: string;
  district: string;
  location_type: string | null;
  status: string;
  outcome: string | null;
  victim_satisfied: boolean | null;
  risk_grade: string | null;
  victims: number;
  suspects: number;
  vulnerable: boolean;
  repeat_victim: boolean;
  reviews_on_time: number;
  reviews_late: number;
  reviews_overdue: number;
  checklist: { label: string; decision: string }[] | null;
}

/** One closed occurrence as a scrutiny panel sees it (issue 5 item 3). */
export interface AnonymisedCase {
  label: string;
  /** Month only, e.g. "Oct 2026". */
  flaggedMonth: string;
  closedMonth: string | null;
  recordedAs: string;
  offence: string;
  strands: string[];
  source: string;
  district: string;
  locationType: string;
  status: string;
  outcome: string;
  victimSatisfied: string;
  riskGrade: string;
  victims: number;
  suspects: number;
  vulnerableVictim: boolean;
  repeatVictim: boolean;
  reviewsOnTime: number;
  reviewsLate: number;
  reviewsOverdue: number;
  checklist: { yes: number; no: number; na: number; noItems: string[] };
}

/** "2026-10" → "Oct 2026". */
export function monthLabel(key: string | null): string | null {
  if (!key) return null;
  const d = DateTime.fromFormat(key, 'yyyy-MM');
  return d.isValid ? d.toFormat('LLL yyyy') : null;
}

/**
 * A classification (offence, outcome) is kept only when it reads like one: letters, digits,
 * spaces and light punctuation, at most 120 characters, and nothing that could be a reference
 * or ref: no run of 5 or more digits, no 4 digits other than a year (19xx, 20xx), no digits
 * around a slash (`13/204518/26`), no letters-dash-digits (`P-0001234`). Anything else becomes
 * `fallback`.
 */
export function cleanClassification(text: string | null, fallback: string): string {
  const t = (text ?? '').trim();
  const looksLikeRef = /\d{5,}|\b(?!19|20)\d{4}\b|\d\s*\/\s*\d|\b\p{L}{1,4}-\d{2,}/u.test(t);
  if (!t || t.length > 120 || looksLikeRef || !/^[\p{L}\p{N} ,.'’()&/:;+–-]+$/u.test(t)) return fallback;
  return t;
}

/** A location type key (e.g. `public_transport`) as words, or "Other". */
const locationType = (t: string | null) => (t && /^[a-z_]{1,40}$/.test(t) ? humanise(t) : t ? 'Other' : 'Not recorded');

/**
 * Anonymises sampled rows: months instead of dates, classifications only, counts instead of
 * people, checklist answers without notes; strands in the configured order. Cases are ordered by
 * month and labelled "Case 1", "Case 2", ... (never by strand).
 */
export function anonymiseCases(rows: readonly ScrutinyRow[], strandOrder: readonly string[]): AnonymisedCase[] {
  const order = (s: string) => (strandOrder.includes(s) ? strandOrder.indexOf(s) : strandOrder.length);
  return [...rows]
    .sort((a, b) => a.flagged_month.localeCompare(b.flagged_month) || (a.closed_month ?? '').localeCompare(b.closed_month ?? ''))
    .map((r, i) => {
      const list = r.checklist ?? [];
      return {
        label: `Case ${i + 1}`,
        flaggedMonth: monthLabel(r.flagged_month) ?? 'Unknown',
        closedMonth: monthLabel(r.closed_month),
        recordedAs: r.recorded_as === 'nchi' ? 'NCHI' : 'Crime',
        offence: r.recorded_as === 'nchi' ? 'Non-crime hate incident' : cleanClassification(r.offence, 'Offence not recorded'),
        strands: [...r.strands].sort((a, b) => order(a) - order(b) || a.localeCompare(b)).map(humanise),
        source: SOURCE_LABELS[r.source] ?? 'Other',
        district: cleanClassification(r.district, 'Other'),
        locationType: locationType(r.location_type),
        status: humanise(r.status),
        outcome: cleanClassification(r.outcome, 'Outcome not recorded'),
        victimSatisfied: r.victim_satisfied === null ? 'Not recorded' : r.victim_satisfied ? 'Yes' : 'No',
        riskGrade: r.risk_grade ? humanise(r.risk_grade) : 'Not graded',
        victims: Number(r.victims),
        suspects: Number(r.suspects),
        vulnerableVictim: r.vulnerable,
        repeatVictim: r.repeat_victim,
        reviewsOnTime: Number(r.reviews_on_time),
        reviewsLate: Number(r.reviews_late),
        reviewsOverdue: Number(r.reviews_overdue),
        checklist: {
          yes: list.filter((c) => c.decision === 'yes').length,
          no: list.filter((c) => c.decision === 'no').length,
          na: list.filter((c) => c.decision === 'na').length,
          noItems: list.filter((c) => c.decision === 'no').map((c) => cleanClassification(c.label, 'Checklist item')),
        },
      };
    });
}

/**
 * `k` distinct positions in [0, n), drawn with the operating system's cryptographic random
 * source (node:crypto randomInt); all positions when k >= n.
 */
export function randomPositions(n: number, k: number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  const picked = new Set<number>();
  while (picked.size < k) picked.add(randomInt(n));
  return [...picked];
}

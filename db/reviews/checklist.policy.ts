import { z } from 'zod';
import { TEXT_LIMITS } from '../../shared/text-limits.js';

/** One HCC checklist item; `nchiLabel` replaces the label for a non-crime hate incident. */
export interface ChecklistItem {
  key: string;
  label: string;
  nchiLabel?: string;
}

/** Checklist answers (domain.md: yes, no = needs action, n/a). */
export const DECISIONS = ['yes', 'no', 'na'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Risk grades (domain.md "Risk grading"). */
export const RISK_GRADES = ['standard', 'medium', 'high'] as const;
export type RiskGrade = (typeof RISK_GRADES)[number];

/** A complete HCC review as submitted. */
export interface ReviewAnswers {
  decisions: { itemKey: string; decision: Decision; note: string | null }[];
  riskGrade: RiskGrade;
  riskRationale: string | null;
}

/**
 * The default HCC checklist (domain.md "The HCC review", seeds 000, 001, 004).
 * A force replaces it with CHECKLIST_FILE.
 */
export const DEFAULT_CHECKLIST: readonly ChecklistItem[] = [
  { key: 'flag_strands', label: 'Hate flag and every relevant strand set correctly (perception test)' },
  {
    key: 'recording_decision',
    label: 'Recording decision correct: NCRS within 24h, HOCR (one crime per victim; further victims or crimes found), CDI compliant',
    nchiLabel: 'NCHI Code of Practice threshold met and personal-data decision recorded',
  },
  { key: 'investigation_plan', label: 'Investigation plan present and an appropriate investigator allocated' },
  {
    key: 'victim_contact_24h',
    label: 'Victim contacted by a supervisor within 24h of allocation',
    nchiLabel: 'Complainant contacted by a supervisor within 24h of allocation',
  },
  { key: 'victims_code', label: "Victims' Code: needs assessment done, victim support referral offered (2 working days, enhanced service), VPS offered" },
  { key: 'repeats_checked', label: 'Repeat victim, repeat offender and repeat location checked' },
  { key: 'partner_referrals', label: 'Partner referrals made where needed (housing, council, TPRC, MARAC)' },
  { key: 'rms_endorsed', label: "RMS endorsed with the coordinator's advice" },
];

/** Schema of a checklist file (CHECKLIST_FILE): 1 to 30 items with unique snake_case keys. */
export const checklistFileSchema = z
  .array(
    z.object({
      key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'key must be snake_case, up to 40 characters'),
      label: z.string().min(1).max(300),
      nchiLabel: z.string().min(1).max(300).optional(),
    }),
  )
  .min(1)
  .max(30)
  .refine((items) => new Set(items.map((i) => i.key)).size === items.length, 'item keys must be unique');

export const NOTE_MAX = TEXT_LIMITS.reviewNote;
export const RATIONALE_MAX = TEXT_LIMITS.riskRationale;

/**
 * Checks a review against the checklist rules: every item answered once; a "no" names the
 * action needed (a note); a medium or high grade has a rationale (issue 2, domain.md).
 * @returns a list of `{ path, message }` problems, empty when the review is complete
 */
export function checkAnswers(checklist: readonly ChecklistItem[], a: ReviewAnswers): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const keys = new Set(checklist.map((i) => i.key));
  for (const d of a.decisions) {
    if (!keys.has(d.itemKey)) issues.push({ path: `item_${d.itemKey}`, message: 'is not on the checklist' });
  }
  for (const item of checklist) {
    const answers = a.decisions.filter((d) => d.itemKey === item.key);
    const first = answers[0];
    if (!first) issues.push({ path: `item_${item.key}`, message: `"${item.label}" needs an answer: yes, no or n/a` });
    else if (answers.length > 1) issues.push({ path: `item_${item.key}`, message: 'answered more than once' });
    else if (first.decision === 'no' && !first.note?.trim()) {
      issues.push({ path: `note_${item.key}`, message: `"${item.label}" is answered no: say what is needed, who and by when` });
    }
  }
  if (a.riskGrade !== 'standard' && !a.riskRationale?.trim()) {
    issues.push({ path: 'riskRationale', message: `a ${a.riskGrade} risk grade needs a rationale` });
  }
  return issues;
}

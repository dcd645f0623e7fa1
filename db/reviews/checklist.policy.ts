import { z } from 'zod';
import { TEXT_LIMITS } from '../text-limits.js';
import { nchiWording } from './nchi-wording.js';

/** One HCC checklist item; `nchiLabel` replaces the label for a non-crime hate incident. */
export interface ChecklistItem {
  key: string;
  label: string;
  nchiLabel?: string;
}

/**
 * The label an item shows for an occurrence: for an NCHI its `nchiLabel`, else its label in NCHI
 * terms (complainant, subject), so a force's own checklist never shows an NCHI's crime wording.
 */
export function checklistLabel(item: ChecklistItem, recordedAs: 'crime' | 'nchi'): string {
  return recordedAs === 'nchi' ? (item.nchiLabel ?? nchiWording(item.label)) : item.label;
}

/** Checklist answers (docs/domain.md: yes, no = needs action, n/a). */
export const DECISIONS = ['yes', 'no', 'na'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Risk grades (docs/domain.md "Risk grading"). */
export const RISK_GRADES = ['standard', 'medium', 'high'] as const;
export type RiskGrade = (typeof RISK_GRADES)[number];

/**
 * The NCHI Code of Practice 2023 personal-data decision (docs/domain.md "Occurrences"): the subject's
 * refs are kept only for a real risk of significant harm or of a future criminal offence.
 */
export const SUBJECT_REF_DECISIONS = ['keep_harm', 'keep_offence', 'remove'] as const;
export type SubjectRefDecision = (typeof SUBJECT_REF_DECISIONS)[number];

/** The NCHI decisions of a review under NCHI_POLICY=code-2023. */
export interface NchiDecision {
  thresholdMet: boolean;
  subjectRefs: SubjectRefDecision;
}

/** A complete HCC review as submitted; `nchi` only for an NCHI reviewed under the Code of Practice 2023. */
export interface ReviewAnswers {
  decisions: { itemKey: string; decision: Decision; note: string | null }[];
  riskGrade: RiskGrade;
  riskRationale: string | null;
  nchi?: NchiDecision;
}

/**
 * The default HCC checklist (docs/domain.md "The HCC review", seeds 000, 001, 004).
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
  {
    key: 'victims_code',
    label: "Victims' Code: needs assessment done, victim support referral offered (2 working days, enhanced service), VPS offered",
    nchiLabel: 'Complainant support: needs assessment done, support service referral offered where wanted',
  },
  {
    key: 'repeats_checked',
    label: 'Repeat victim, repeat offender and repeat location checked',
    nchiLabel: 'Repeat complainant, repeat subject and repeat location checked',
  },
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
 * A review as the reviewer sent it, before the rules: any text, null where left empty. The card
 * (and any other form) passes what it received; `checkAnswers` alone decides what is valid.
 */
export interface AnswersDraft {
  decisions: readonly { itemKey: string; decision: string | null; note: string | null }[];
  riskGrade: string | null;
  riskRationale: string | null;
  /** `yes` / `no` (NCHI Code of Practice threshold met). */
  nchiThreshold?: string | null;
  /** One of SUBJECT_REF_DECISIONS. */
  nchiSubjectRefs?: string | null;
}

/** One problem with an answer: `path` is the card's field (`item_<key>`, `note_<key>`, `riskGrade`, `riskRationale`). */
export type AnswerIssue = { path: string; message: string };

const isOneOf = <T extends string>(v: string | null, allowed: readonly T[]): v is T =>
  v !== null && (allowed as readonly string[]).includes(v);

/**
 * The one rule of a valid HCC review (issue 2, docs/domain.md "The HCC review"): every checklist item
 * answered once with yes, no or n/a (no other item); a "no" names the action needed (a note);
 * notes at most NOTE_MAX characters; a risk grade of standard, medium or high; a medium or high
 * grade has a rationale, at most RATIONALE_MAX characters. Text is trimmed; empty text is none.
 * @returns the answers, or every `{ path, message }` problem at once
 */
export function checkAnswers(
  checklist: readonly ChecklistItem[],
  a: AnswersDraft,
  opts: { nchiDecision?: boolean } = {},
): { ok: true; answers: ReviewAnswers } | { ok: false; issues: AnswerIssue[] } {
  const issues: AnswerIssue[] = [];
  const nchi = opts.nchiDecision ? checkNchiDecision(a, issues) : undefined;
  const text = (v: string | null) => v?.trim() || null;
  const keys = new Set(checklist.map((i) => i.key));
  for (const d of a.decisions) {
    if (!keys.has(d.itemKey)) issues.push({ path: `item_${d.itemKey}`, message: 'is not an item of the current checklist' });
  }
  const decisions: ReviewAnswers['decisions'] = [];
  for (const item of checklist) {
    const answers = a.decisions.filter((d) => d.itemKey === item.key && (d.decision !== null || d.note !== null));
    const first = answers[0];
    const note = text(first?.note ?? null);
    if (note && note.length > NOTE_MAX) issues.push({ path: `note_${item.key}`, message: `must be at most ${NOTE_MAX} characters` });
    if (!first || first.decision === null)
      issues.push({ path: `item_${item.key}`, message: `"${item.label}" needs an answer: yes, no or n/a` });
    else if (answers.length > 1) issues.push({ path: `item_${item.key}`, message: 'answered more than once' });
    else if (!isOneOf(first.decision, DECISIONS))
      issues.push({ path: `item_${item.key}`, message: `"${first.decision.slice(0, 40)}" is not an answer: use yes, no or n/a` });
    else if (first.decision === 'no' && !note)
      issues.push({ path: `note_${item.key}`, message: `"${item.label}" is answered no: say what is needed, who and by when` });
    else decisions.push({ itemKey: item.key, decision: first.decision, note });
  }
  const grade = text(a.riskGrade);
  const rationale = text(a.riskRationale);
  if (rationale && rationale.length > RATIONALE_MAX)
    issues.push({ path: 'riskRationale', message: `must be at most ${RATIONALE_MAX} characters` });
  if (grade === null) issues.push({ path: 'riskGrade', message: 'choose standard, medium or high' });
  else if (!isOneOf(grade, RISK_GRADES))
    issues.push({ path: 'riskGrade', message: 'is not a risk grade: choose standard, medium or high' });
  else if (grade !== 'standard' && !rationale) issues.push({ path: 'riskRationale', message: `a ${grade} risk grade needs a rationale` });
  if (issues.length || !isOneOf(grade, RISK_GRADES)) return { ok: false, issues };
  return { ok: true, answers: { decisions, riskGrade: grade, riskRationale: rationale, ...(nchi ? { nchi } : {}) } };
}

/** The Code of Practice 2023 decisions of an NCHI review: both required; problems go to `issues`. */
function checkNchiDecision(a: AnswersDraft, issues: AnswerIssue[]): NchiDecision | undefined {
  const threshold = a.nchiThreshold?.trim() || null;
  const refs = a.nchiSubjectRefs?.trim() || null;
  if (threshold !== 'yes' && threshold !== 'no')
    issues.push({ path: 'nchiThreshold', message: 'say whether the NCHI Code of Practice threshold is met: yes or no' });
  if (!isOneOf(refs, SUBJECT_REF_DECISIONS))
    issues.push({
      path: 'nchiSubjectRefs',
      message: "choose whether the subject's refs are kept (a real risk of significant harm or of a future criminal offence) or removed",
    });
  if ((threshold !== 'yes' && threshold !== 'no') || !isOneOf(refs, SUBJECT_REF_DECISIONS)) return undefined;
  return { thresholdMet: threshold === 'yes', subjectRefs: refs };
}

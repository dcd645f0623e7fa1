import type { ReviewKind } from './schedule.policy.js';

/**
 * What "Done" records for each kind of review (issue 12, item 3; docs/domain.md "Review cadence"):
 * the outcomes to choose from, which of them need a reason in the note, which need the support
 * service named, and which open a follow-up. Pure; the one rule asked by the prompt card, the
 * submit's validation and the save (prompts.service.ts answerScheduledReview).
 */

/** Every outcome value a prompt can record, and how cards name it. */
export const OUTCOME_LABELS = {
  done: 'Done',
  contacted: 'Contacted',
  could_not_contact: 'Could not contact',
  declined: 'Declined contact',
  made: 'Referral made',
  referral_declined: 'Declined',
  not_eligible: 'Not eligible',
  satisfied: 'Satisfied',
  dissatisfied: 'Not satisfied',
  not_needed: 'Not needed',
  arranged: 'Arranged',
  recorded: 'Recorded',
  updated: 'Updated',
} as const;
export type ReviewOutcome = keyof typeof OUTCOME_LABELS;
export const REVIEW_OUTCOME_VALUES = Object.keys(OUTCOME_LABELS) as [ReviewOutcome, ...ReviewOutcome[]];

/** The outcomes of one kind of review. */
export interface OutcomeRule {
  /** The question above the choices. */
  label: string;
  choices: readonly ReviewOutcome[];
  /** Outcomes that need a reason in the note (e.g. a MARAC referral not needed: why). */
  needsReason?: readonly ReviewOutcome[];
  /** Outcomes that need the support service named (a victim-support referral made: to whom). */
  needsService?: readonly ReviewOutcome[];
  /** The follow-up an outcome opens: a dissatisfied closure opens the inspector's contact (seed 001 §2.2). */
  opens?: Partial<Record<ReviewOutcome, ReviewKind>>;
}

const CONTACT: OutcomeRule = { label: 'How the contact went', choices: ['contacted', 'could_not_contact', 'declined'] };

/** Kinds absent here record plain "Done" (with an optional note). */
export const OUTCOME_RULES: Partial<Record<ReviewKind, OutcomeRule>> = {
  victim_contact: CONTACT,
  inspector_contact: CONTACT,
  victim_support_referral: {
    label: 'Referral to a support service',
    choices: ['made', 'referral_declined', 'not_eligible'],
    needsService: ['made'],
    needsReason: ['not_eligible'],
  },
  closure_call: {
    label: 'Satisfied with the service at closure?',
    choices: ['satisfied', 'dissatisfied', 'could_not_contact'],
    opens: { dissatisfied: 'inspector_contact' },
  },
  victim_update: { label: 'How the update went', choices: ['updated', 'could_not_contact', 'declined'] },
  marac_referral: { label: 'MARAC referral', choices: ['made', 'not_needed'], needsReason: ['not_needed'] },
  partner_support: { label: 'Partner support', choices: ['arranged', 'referral_declined', 'not_needed'], needsReason: ['not_needed'] },
  pso_recorded: { label: 'Problem Solving Occurrence', choices: ['recorded', 'not_needed'], needsReason: ['not_needed'] },
};

/** Whether an answer of `kind` with `outcome` keeps the support service named (a referral made). Pure. */
export function keepsService(kind: string, outcome: string | null): boolean {
  return Boolean(outcome && OUTCOME_RULES[kind as ReviewKind]?.needsService?.includes(outcome as ReviewOutcome));
}

/** The follow-up an answer of `kind` with `outcome` opens (a dissatisfied closure: the inspector's contact), or null. Pure. */
export function followUpOf(kind: string, outcome: string | null): ReviewKind | null {
  return (outcome && OUTCOME_RULES[kind as ReviewKind]?.opens?.[outcome as ReviewOutcome]) || null;
}

/** "a, b or c". */
const orList = (words: readonly string[]): string =>
  words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;

/** A problem with an answer's outcome, for the card to show beside the field. */
export interface OutcomeIssue {
  path: 'outcome' | 'note' | 'service';
  message: string;
}

/**
 * Checks a "Done" answer against its kind's rule: an outcome from its choices when it has any,
 * a reason where the outcome needs one, the service where it needs one. Pure.
 * @returns the issues, empty when the answer may be saved
 */
export function checkOutcome(kind: string, a: { outcome: string | null; note: string | null; service: string | null }): OutcomeIssue[] {
  const rule = OUTCOME_RULES[kind as ReviewKind];
  if (!rule) return a.outcome && a.outcome !== 'done' ? [{ path: 'outcome', message: 'this review records no outcome' }] : [];
  const outcome = a.outcome as ReviewOutcome | null;
  if (!outcome || !rule.choices.includes(outcome))
    return [{ path: 'outcome', message: `choose ${orList(rule.choices.map((c) => OUTCOME_LABELS[c].toLowerCase()))}` }];
  const issues: OutcomeIssue[] = [];
  if (rule.needsReason?.includes(outcome) && !a.note?.trim())
    issues.push({ path: 'note', message: `say why (${OUTCOME_LABELS[outcome].toLowerCase()})` });
  if (rule.needsService?.includes(outcome) && !a.service?.trim())
    issues.push({ path: 'service', message: 'name the support service the referral went to' });
  return issues;
}

/** Outcomes the bot records itself, never offered on a prompt: the coordinator's review answered by saving the HCC review card. */
const RECORDED_OUTCOME_LABELS: Readonly<Record<string, string>> = { hcc_review: 'HCC review saved' };

/** "Referral made: Victim Support", "Not satisfied", "HCC review saved": an answered outcome as cards show it. */
export function outcomeText(outcome: string | null, service: string | null): string | null {
  if (!outcome || outcome === 'done') return null;
  const label = OUTCOME_LABELS[outcome as ReviewOutcome] ?? RECORDED_OUTCOME_LABELS[outcome] ?? outcome.replaceAll('_', ' ');
  return service ? `${label}: ${service}` : label;
}

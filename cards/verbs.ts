import { z } from 'zod';
import { TEXT_LIMITS, tooLong } from '../shared/text-limits.js';

/** Universal Action verbs the bot's cards use (also the `verb` field of Action.Submit fallbacks). */
export const VERBS = {
  reviewSubmit: 'review.submit',
  promptDone: 'prompt.done',
  promptNotApplicable: 'prompt.na',
  promptSnooze: 'prompt.snooze',
} as const;

/** Snooze choices on a review prompt (issue 3). */
export const SNOOZE_CHOICES = ['1h', '4h', 'tomorrow'] as const;
/** What the prompt card calls each snooze choice. */
export const SNOOZE_LABELS: Record<(typeof SNOOZE_CHOICES)[number], string> = { '1h': 'In 1 hour', '4h': 'In 4 hours', tomorrow: 'Tomorrow 09:00' };
/** Victim contact outcomes (issue 3). */
export const CONTACT_OUTCOMES = ['contacted', 'could_not_contact', 'declined'] as const;
/** What the prompt card calls each victim-contact outcome. */
export const CONTACT_LABELS: Record<(typeof CONTACT_OUTCOMES)[number], string> = { contacted: 'Contacted', could_not_contact: 'Could not contact', declined: 'Declined contact' };

/** Submit data of a review prompt's answers. */
export const promptSubmitSchema = z.object({
  scheduledReviewId: z.string().uuid('the card does not name a valid review'),
  outcome: z
    .union([z.literal(''), z.undefined(), z.enum(CONTACT_OUTCOMES, { errorMap: () => ({ message: 'choose contacted, could not contact or declined' }) })])
    .transform((v) => v || null),
  note: z
    .string()
    .max(TEXT_LIMITS.reviewNote, tooLong('a note', 'reviewNote'))
    .optional()
    .transform((v) => v?.trim() || null),
  reason: z
    .string()
    .max(TEXT_LIMITS.notApplicableReason, tooLong('a reason', 'notApplicableReason'))
    .optional()
    .transform((v) => v?.trim() || null),
  snooze: z.union([z.literal(''), z.undefined(), z.enum(SNOOZE_CHOICES, { errorMap: () => ({ message: 'choose 1 hour, 4 hours or tomorrow 09:00' }) })]).transform((v) => v || null),
});

/** Checklist answer values on the card. */
export const CARD_DECISIONS = ['yes', 'no', 'na'] as const;
/** Risk grades on the card. */
export const CARD_RISK_GRADES = ['standard', 'medium', 'high'] as const;

const optionalText = (max: number) =>
  z
    .union([z.string(), z.undefined(), z.null()])
    .transform((s) => (typeof s === 'string' && s.trim() ? s.trim() : null))
    .pipe(z.string().max(max, `must be at most ${max} characters`).nullable());

/** Parsed submit data of the review card. */
export interface ReviewSubmitData {
  occurrenceId: string;
  expectedVersion: number;
  decisions: { itemKey: string; decision: (typeof CARD_DECISIONS)[number]; note: string | null }[];
  riskGrade: (typeof CARD_RISK_GRADES)[number] | null;
  riskRationale: string | null;
}

const base = z.object({
  occurrenceId: z.string().uuid('the card does not name a valid occurrence'),
  expectedVersion: z.coerce.number().int().min(0).max(1_000_000),
  riskGrade: z
    .union([z.string(), z.undefined(), z.null()])
    .transform((v) => (v ? v : null))
    .pipe(z.enum(CARD_RISK_GRADES, { errorMap: () => ({ message: 'is not a risk grade: choose standard, medium or high' }) }).nullable()),
  riskRationale: optionalText(TEXT_LIMITS.riskRationale),
});

/**
 * Parses the review card's submit data (Action.Execute `data`, or an Action.Submit `value`):
 * `item_<key>` = yes|no|na and `note_<key>` per checklist item, `riskGrade`, `riskRationale`.
 * Types and enum values are checked here; completeness rules are the review service's.
 * @param itemKeys the keys of the checklist in force; any other `item_`/`note_` field is refused
 * @returns the data, or `{ path, message }` issues (e.g. a tampered value)
 */
export function parseReviewSubmit(raw: unknown, itemKeys: readonly string[]): { ok: true; data: ReviewSubmitData } | { ok: false; issues: { path: string; message: string }[] } {
  if (!raw || typeof raw !== 'object') return { ok: false, issues: [{ path: '(data)', message: 'the card sent no data' }] };
  const record = raw as Record<string, unknown>;
  const issues: { path: string; message: string }[] = [];
  const b = base.safeParse(record);
  if (!b.success) issues.push(...b.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const known = new Set(itemKeys);
  for (const k of Object.keys(record)) {
    const m = /^(item|note)_(.+)$/.exec(k);
    if (m && !known.has(m[2]!)) issues.push({ path: k, message: 'is not an item of the current checklist' });
  }
  const decisions: ReviewSubmitData['decisions'] = [];
  for (const key of itemKeys) {
    const d = record[`item_${key}`];
    const note = optionalText(TEXT_LIMITS.reviewNote).safeParse(record[`note_${key}`]);
    if (!note.success) issues.push({ path: `note_${key}`, message: note.error.issues[0]?.message ?? 'invalid note' });
    if (d === undefined || d === '' || d === null) continue;
    if (typeof d !== 'string' || !(CARD_DECISIONS as readonly string[]).includes(d)) {
      issues.push({ path: `item_${key}`, message: `"${String(d).slice(0, 40)}" is not an answer: use yes, no or n/a` });
      continue;
    }
    decisions.push({ itemKey: key, decision: d as ReviewSubmitData['decisions'][number]['decision'], note: note.success ? note.data : null });
  }
  if (issues.length || !b.success) return { ok: false, issues };
  return { ok: true, data: { ...b.data, decisions } };
}

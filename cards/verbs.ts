import { z } from 'zod';
import { TEXT_LIMITS, tooLong } from '../db/text-limits.js';

/** Universal Action verbs the bot's cards use (also the `verb` field of Action.Submit fallbacks). */
export const VERBS = {
  reviewSubmit: 'review.submit',
  /** The read-only review card's Review / Re-grade button: the form, for someone allowed to submit. */
  reviewOpen: 'review.open',
  promptDone: 'prompt.done',
  promptNotApplicable: 'prompt.na',
  promptSnooze: 'prompt.snooze',
  /** Show more / Previous on a card listing several review prompts. */
  promptBatchPage: 'prompt.batch_page',
} as const;

/** Snooze choices on a review prompt (issue 3). */
export const SNOOZE_CHOICES = ['1h', '4h', 'tomorrow'] as const;
/** What the prompt card calls each snooze choice. */
export const SNOOZE_LABELS: Record<(typeof SNOOZE_CHOICES)[number], string> = {
  '1h': 'In 1 hour',
  '4h': 'In 4 hours',
  tomorrow: 'Tomorrow 09:00',
};

/** The NCHI personal-data decision as the form offers it (NCHI Code of Practice 2023: kept only for a real risk). */
export const SUBJECT_REF_CHOICES = [
  { title: 'Keep: real risk of significant harm', value: 'keep_harm' },
  { title: 'Keep: real risk of a future criminal offence', value: 'keep_offence' },
  { title: "Remove: no such risk (the subject's refs are removed when saved)", value: 'remove' },
] as const;

/** Submit data of a review prompt's answers. */
export const promptSubmitSchema = z.object({
  scheduledReviewId: z.string().uuid('the card does not name a valid review'),
  // Which outcomes a kind of review accepts is the schedule's rule (db/schedule/outcomes.policy.ts).
  outcome: z
    .union([
      z.literal(''),
      z.undefined(),
      z
        .string()
        .max(40)
        .regex(/^[a-z_]+$/, 'choose one of the outcomes shown'),
    ])
    .transform((v) => v || null),
  service: z
    .string()
    .max(TEXT_LIMITS.serviceName, tooLong('a service name', 'serviceName'))
    .optional()
    .transform((v) => v?.trim() || null),
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
  snooze: z
    .union([
      z.literal(''),
      z.undefined(),
      z.enum(SNOOZE_CHOICES, { errorMap: () => ({ message: 'choose 1 hour, 4 hours or tomorrow 09:00' }) }),
    ])
    .transform((v) => v || null),
});

const batchKey = z.string().min(1).max(400).regex(/^srb:/, 'the card does not name a list of prompts');
const batchPage = z.coerce.number().int().min(0).max(1000).catch(0);

/** Submit data of the paging buttons of a card listing several review prompts. */
export const promptBatchPageSchema = z.object({ batchKey, page: batchPage });

/**
 * Where an answer came from on a card listing several prompts: the list (`batchKey`, the outbox
 * key of the message that carried it), the page shown, and the row, whose inputs are named
 * `outcome_<row>`, `note_<row>`, `reason_<row>`, `snooze_<row>`. Absent on a single prompt card.
 */
export const promptBatchRefSchema = z.object({ batchKey, page: batchPage, row: z.coerce.number().int().min(0).max(999) });
export type PromptBatchRef = z.infer<typeof promptBatchRefSchema>;

/**
 * The review card's answers as sent, before any rule: text or null per field. Validity is one rule
 * in the review service (db/reviews/checklist.policy.ts `checkAnswers`), not here.
 */
export interface ReviewSubmitData {
  occurrenceId: string;
  expectedVersion: number;
  answers: {
    decisions: { itemKey: string; decision: string | null; note: string | null }[];
    riskGrade: string | null;
    riskRationale: string | null;
    nchiThreshold: string | null;
    nchiSubjectRefs: string | null;
  };
}

/** Data of the review card's Review / Re-grade button (the reference only for the Action.Submit fallback's answer). */
export const reviewOpenSchema = z.object({
  occurrenceId: z.string({ message: 'This card does not name a valid occurrence' }).uuid('This card does not name a valid occurrence'),
  reference: z.string().trim().max(64).optional(),
});

const envelope = z.object({
  occurrenceId: z.string({ message: 'This card does not name a valid occurrence' }).uuid('This card does not name a valid occurrence'),
  expectedVersion: z.coerce.number({ message: 'This card does not say which review it shows' }).int().min(0).max(1_000_000),
});

/** A field as text: a string as sent (tampered numbers and the like as their text), null when absent or blank. */
const asText = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean);
  return s.trim() ? s : null;
};

/**
 * Reads the review card's submit data (Action.Execute `data`, or an Action.Submit `value`): the
 * card it came from (`occurrenceId`, `expectedVersion`) and the answers as sent, `item_<key>` and
 * `note_<key>` per checklist item, `riskGrade`, `riskRationale`.
 * @returns the data, or why the card itself is unusable (the answers are not judged here)
 */
export function parseReviewSubmit(raw: unknown): { ok: true; data: ReviewSubmitData } | { ok: false; problem: string } {
  const record = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const card = envelope.safeParse(record);
  if (!card.success) return { ok: false, problem: card.error.issues[0]?.message ?? 'This card cannot be read' };
  const keys = new Set(Object.keys(record).flatMap((k) => /^(?:item|note)_(.+)$/.exec(k)?.[1] ?? []));
  const decisions = [...keys].map((key) => ({
    itemKey: key,
    decision: asText(record[`item_${key}`]),
    note: asText(record[`note_${key}`]),
  }));
  return {
    ok: true,
    data: {
      ...card.data,
      answers: {
        decisions,
        riskGrade: asText(record.riskGrade),
        riskRationale: asText(record.riskRationale),
        nchiThreshold: asText(record.nchiThreshold),
        nchiSubjectRefs: asText(record.nchiSubjectRefs),
      },
    },
  };
}

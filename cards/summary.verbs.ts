import { z } from 'zod';
import { TEXT_LIMITS, tooLong } from '../db/text-limits.js';

/** Universal Action verbs of the summary card (also the `verb` of their Action.Submit fallbacks). */
export const SUMMARY_VERBS = { show: 'summary.show' } as const;

/** Submit data of a period button on the summary card. */
export const summaryShowSchema = z.object({
  period: z.string().trim().max(TEXT_LIMITS.period, tooLong('a period', 'period')).default(''),
  district: z
    .union([z.string(), z.null(), z.undefined()])
    .transform((v) => (typeof v === 'string' && v.trim() ? v.trim() : null))
    .pipe(z.string().max(TEXT_LIMITS.district, tooLong('a district name', 'district')).nullable()),
});

/** The period buttons under a summary. */
export const SUMMARY_PERIOD_BUTTONS = [
  { title: 'This month', period: 'this month' },
  { title: 'Last month', period: 'last month' },
  { title: 'Last quarter', period: 'last quarter' },
  { title: 'Year to date', period: 'year to date' },
] as const;

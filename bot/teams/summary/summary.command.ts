import { z } from 'zod';
import { districtName } from '../inputs.js';
import { TEXT_LIMITS, tooLong } from '../../../db/text-limits.js';

const district = districtName('which district? e.g. `district Leeds`');
const period = z.string().trim().max(TEXT_LIMITS.period, tooLong('a period', 'period'));

/** A parsed `summary …` or `scrutiny pack …` command: a period phrase and an optional district. */
export type SummaryArgs = { ok: true; period: string | null; district: string | null } | { ok: false; problem: string };

/**
 * Splits the words after the command into `[period] [district <name>]`, e.g.
 * `last quarter district Leeds`. The period phrase itself is read by the service.
 */
export function parseSummaryArgs(args: string): SummaryArgs {
  const m = /^(.*?)(?:(?:^|\s)(?:district|in)\s+(.+))?$/i.exec(args.replace(/\s+/g, ' ').trim());
  const p = period.safeParse(m?.[1] ?? '');
  if (!p.success) return { ok: false, problem: p.error.issues[0]!.message };
  if (m?.[2] === undefined) return { ok: true, period: p.data || null, district: null };
  const d = district.safeParse(m[2]);
  return d.success ? { ok: true, period: p.data || null, district: d.data } : { ok: false, problem: d.error.issues[0]!.message };
}

/** The text after the command words (`summary`, or `scrutiny pack`), or null when the words do not match. */
export function commandArgs(text: string, words: readonly string[]): string | null {
  const parts = text.replace(/\s+/g, ' ').trim().split(' ');
  for (const [i, w] of words.entries()) if ((parts[i] ?? '').toLowerCase() !== w) return null;
  return parts.slice(words.length).join(' ');
}

/**
 * The sentences a summary shows around its figures, written once so the card and the Word
 * report say the same (issue 13 item 6): right for 0 and 1, and every suppressed or hidden
 * figure saying why. Pure.
 */
import { ukShortDate } from '../time/london-time.js';
import type { Count } from './suppression.policy.js';

/** "1 occurrence", "no occurrences", "3 occurrences" (thousands separated). */
export function plural(n: number, one: string, many = `${one}s`, zero = `no ${many}`): string {
  if (n === 0) return zero;
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

/** A count as shown: "<5" when small, "hidden" when hidden by the secondary rule. */
const shown = (c: Count, below: number | null): string =>
  c === null ? `<${below ?? '?'}` : c === 'hidden' ? 'hidden' : c.toLocaleString('en-GB');

/**
 * The note under the strands: a multi-strand occurrence counts under each of its strands, so the
 * strands add up to more than the distinct total only when at least one has two or more.
 */
export function multiStrandNote(total: Count, multi: Count, below: number | null): string {
  const rule = 'An occurrence with more than one strand counts under each';
  if (total === 0) return `${rule}; there were no occurrences in the period.`;
  if (multi === 0) return `No occurrence has two or more strands, so the strands add up to the distinct total (${shown(total, below)}).`;
  if (total === 1 && multi === 1) return `${rule}: the only occurrence has two or more strands, so the strands add up to more than 1.`;
  const verb = multi === 1 ? 'has' : 'have';
  const of = typeof total === 'number' ? `the ${plural(total, 'occurrence')}` : `the ${shown(total, below)} occurrences`;
  // A suppressed count of multi-strand occurrences is still at least 1, so "more than" stays true.
  return `${rule}: ${shown(multi, below)} of ${of} ${verb} two or more strands, so the strands add up to more than the distinct total.`;
}

/**
 * From when compliance counts, in words: "Reviews due since 3 Nov 2026, when the bot went live."
 * @param basis `live`: the first occurrence the bot received; `setting`: COMPLIANCE_FROM
 */
export function complianceSinceNote(since: { from: Date; basis: 'setting' | 'live' } | null): string {
  if (since === null) return 'No occurrence has been received yet, so no review has fallen due.';
  const day = ukShortDate(since.from);
  return since.basis === 'live'
    ? `Reviews due since ${day}, when the bot went live; reviews of history loaded then were never asked of anyone and are not counted.`
    : `Reviews due since ${day}, the date set for compliance to count from; earlier ones are not counted.`;
}

/** Why a figure reads "<5": small-number suppression (rules 1-2 of suppression.policy.ts). */
export const smallReason = (below: number | null): string => `<${below}: fewer than ${below}, hidden to protect identities.`;

/** Why a figure reads "hidden": complementary suppression (rule 3). */
export const HIDDEN_REASON = 'hidden: hidden so the small figure cannot be worked out from the total.';

/** What an aggregates-only audience is not shown, and why. */
export const POLICE_ONLY_NOTE =
  'Police-only sections (reviews and who owns them, named overdue actions) are not shown to partners: they are case work, not aggregates.';

/**
 * The reasons for the suppressed figures among `counts`: one sentence per kind present ("<5"
 * small, "hidden" complementary), none when every figure is shown.
 */
export function suppressionReasons(counts: readonly Count[], below: number | null): string[] {
  return [...(counts.some((c) => c === null) ? [smallReason(below)] : []), ...(counts.some((c) => c === 'hidden') ? [HIDDEN_REASON] : [])];
}

/** The audience notice of an aggregates-only summary or pack: the rules and why. */
export function aggregatesNotice(below: number | null): string {
  if (!below || below <= 1) return 'Aggregates only. No count is small enough to hide.';
  return `Aggregates only. Counts below ${below} show as <${below} (fewer than ${below}, hidden to protect identities); a count that would let a small one be worked out from a total shows as "hidden". Chart values are rounded to the nearest 5 and small ones left out.`;
}

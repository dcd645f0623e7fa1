/**
 * Positive criminal justice outcomes (seed 001 appendix B item 6, "Positive CJ Outcomes"): the
 * Home Office outcome types in which an offender is brought to justice, types 1 to 4 and 6 to 8 —
 * charge/summons (1, 1A), caution (2, 3), taken into consideration (4), penalty notice for
 * disorder (6), cannabis or khat warning (7) and community resolution (8), i.e. the formal and
 * informal out-of-court disposals. Outcomes arrive as the records system's text
 * (e.g. "Charge/summons", "Out of court (informal)") or as the type's number ("Outcome 8"). Pure.
 */
const POSITIVE_TEXT =
  /charge|summons|caution|out of court|community resolution|penalty notice|taken into consideration|\bTIC\b|cannabis|khat/i;
const POSITIVE_TYPE = /^(?:outcome\s*)?(?:type\s*)?(?:1a|[1-46-8])(?![0-9a-z])/i;

/** Whether an outcome text is a positive criminal justice outcome (Home Office types 1-4 and 6-8). */
export function isPositiveOutcome(outcome: string | null): boolean {
  if (!outcome) return false;
  const t = outcome.trim();
  if (/no further action|not in the public interest|evidential difficult/i.test(t)) return false;
  return POSITIVE_TYPE.test(t) || POSITIVE_TEXT.test(t);
}

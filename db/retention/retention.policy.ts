// Retention periods per record type and the cut-off each gives (issue 12 item 6; docs/retention.md).
// Pure: no I/O, tested without a database.

/** How long each kind of record is kept, in days of 24 hours. */
export interface RetentionPeriods {
  /** A filed or closed occurrence, with everything hung on it, counted from its closure (RETENTION_CLOSED_OCCURRENCE_DAYS). */
  closedOccurrenceDays: number;
  /** The subject refs (people with role suspect) of an NCHI, counted from its flag (RETENTION_NCHI_SUBJECT_DAYS). */
  nchiSubjectDays: number;
  /** A personal chat's record of a completed review's prompts, and an idle personal chat (RETENTION_PROMPT_DAYS). */
  promptDays: number;
}

/** The record types the retention job erases, as named in its audit entries (`details.recordType`). */
export type RetentionRecordType = 'closed_occurrence' | 'nchi_subject_refs' | 'personal_chat_prompt' | 'personal_chat';

/**
 * Defaults, and why (docs/retention.md):
 * - closed occurrences: 6 years from closure, the conservative end of the review period APP on
 *   information management (MoPI) sets for most crime records; the RMS stays the record of it;
 * - NCHI subject refs: 1 year from the flag. The NCHI code of practice (Home Office, 2023) keeps a
 *   subject's personal data only while a real risk of significant harm or of a future offence
 *   justifies it; the bot's copy is a working aid, so it goes after a year whatever the RMS keeps;
 * - prompts and idle personal chats: 90 days, long enough to answer a question about a delivery.
 */
export const DEFAULT_RETENTION: Readonly<RetentionPeriods> = Object.freeze({
  closedOccurrenceDays: 6 * 365,
  nchiSubjectDays: 365,
  promptDays: 90,
});

/** The settings that hold each period, for audit entries and messages. */
export const RETENTION_SETTINGS: Readonly<Record<keyof RetentionPeriods, string>> = Object.freeze({
  closedOccurrenceDays: 'RETENTION_CLOSED_OCCURRENCE_DAYS',
  nchiSubjectDays: 'RETENTION_NCHI_SUBJECT_DAYS',
  promptDays: 'RETENTION_PROMPT_DAYS',
});

/** Smallest period each setting accepts: a closed occurrence still has its closure call and its last reviews to run. */
export const RETENTION_MINIMUM_DAYS: Readonly<Record<keyof RetentionPeriods, number>> = Object.freeze({
  closedOccurrenceDays: 30,
  nchiSubjectDays: 1,
  promptDays: 1,
});

const DAY_MS = 86_400_000;

/** Records whose clock started before these instants are due for erasure at `now`. */
export interface RetentionCutoffs {
  closedBefore: Date;
  nchiFlaggedBefore: Date;
  promptsCompletedBefore: Date;
}

/** The cut-offs at `now`: each period (days of 24 hours) back from it. */
export function cutoffsAt(now: Date, p: RetentionPeriods): RetentionCutoffs {
  const back = (days: number) => new Date(now.getTime() - days * DAY_MS);
  return {
    closedBefore: back(p.closedOccurrenceDays),
    nchiFlaggedBefore: back(p.nchiSubjectDays),
    promptsCompletedBefore: back(p.promptDays),
  };
}

/** What an erasure entry says about why: the period, the setting that holds it, and the rule in words. */
export function erasureReason(type: RetentionRecordType, p: RetentionPeriods): { reason: string; periodDays: number; setting: string } {
  switch (type) {
    case 'closed_occurrence':
      return {
        reason: `closed more than ${p.closedOccurrenceDays} days ago`,
        periodDays: p.closedOccurrenceDays,
        setting: RETENTION_SETTINGS.closedOccurrenceDays,
      };
    case 'nchi_subject_refs':
      return {
        reason: `NCHI flagged more than ${p.nchiSubjectDays} days ago: its subjects' refs are kept no longer`,
        periodDays: p.nchiSubjectDays,
        setting: RETENTION_SETTINGS.nchiSubjectDays,
      };
    case 'personal_chat_prompt':
      return {
        reason: `review completed more than ${p.promptDays} days ago: its prompts' records in personal chats are kept no longer`,
        periodDays: p.promptDays,
        setting: RETENTION_SETTINGS.promptDays,
      };
    case 'personal_chat':
      return {
        reason: `personal chat unused for more than ${p.promptDays} days, with nothing pending in it`,
        periodDays: p.promptDays,
        setting: RETENTION_SETTINGS.promptDays,
      };
  }
}

import { CommitOutcomeUnknownError, isConnectionLost } from '../../db/database.js';
import type { Logger } from '../logger.js';

/**
 * What the user is told when the database connection dropped before their change was
 * committed: the server rolled it back (and the one automatic retry failed too).
 */
export const NOT_SAVED_TRY_AGAIN = 'Not saved: the bot lost its connection to the database. Nothing was changed; please try again.';

/** The reason alone, for refusals that add their own "Not saved:" or "Not assigned:". */
export const CONNECTION_LOST_REASON = 'the bot lost its connection to the database. Nothing was changed; please try again.';

/**
 * What the user is told when the connection dropped as the change was being committed and the
 * saved state could not be read back: it may or may not have been saved, so never "not saved".
 */
export const SAVE_UNCONFIRMED =
  'The bot lost its connection to the database while saving, so it cannot yet tell whether your change was saved. Check the current state (or wait a moment) before trying again.';

/** Shown on a card that turned out to be saved although the connection dropped during the save. */
export const SAVED_DESPITE_DROP = 'Saved. (The database connection dropped as it was being saved; this is what is saved now.)';

/**
 * How a failed save is to be reported: `not-saved` (the connection dropped before COMMIT, so the
 * transaction was rolled back), `unknown` (dropped during COMMIT: re-read the saved state), or
 * null for any other error (not a connection problem: the caller's own mapping applies).
 */
export function lostSave(e: unknown): 'not-saved' | 'unknown' | null {
  if (e instanceof CommitOutcomeUnknownError) return 'unknown';
  return isConnectionLost(e) ? 'not-saved' : null;
}

/**
 * Runs a card handler and turns a lost database connection in its reads (before anything was
 * saved: loading the card, checking the sender) into a plain "not saved, try again" answer
 * instead of a failed turn; other errors go on to the turn's error handler.
 */
export async function answeringLostConnection<T>(logger: Logger, what: string, run: () => Promise<T>): Promise<T | string> {
  try {
    return await run();
  } catch (e) {
    const lost = lostSave(e);
    if (!lost) throw e;
    logger.warn({ err: e, what }, 'database connection lost during a request; the user was told');
    return lost === 'unknown' ? SAVE_UNCONFIRMED : NOT_SAVED_TRY_AGAIN;
  }
}

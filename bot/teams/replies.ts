import type { TurnContext } from 'botbuilder';
import type { Refusal } from '../../db/access/access.service.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../db/errors.js';
import type { BotDeps } from './context.js';
import { lostSave, NOT_SAVED_TRY_AGAIN, SAVE_UNCONFIRMED } from './lost-connection.js';
import { refuse } from './refusals.js';

/** One `{ path, message }` problem of a refused input (db/errors.ts ValidationError). */
export type Issue = { path: string; message: string };

/**
 * A domain error as the user is told it, in the bot's one voice:
 * - `invalid`: the input broke a rule; nothing was written. `text` lists the problems
 *   (`a; b`), `issues` are there for a card that shows them field by field, `message` says it in one line;
 * - `refused`: the access rule said no; `text` is the audited refusal reply (no occurrence data);
 * - `not-found`: the named thing is not held; `text` is a sentence.
 */
export type Problem =
  | { kind: 'invalid'; text: string; message: string; issues: readonly Issue[] }
  | { kind: 'refused'; text: string }
  | { kind: 'not-found'; text: string };

/**
 * What a refusal is audited as (`access_refused`), a hint the refusal adds (e.g. the command to use
 * instead), and one a "not found" adds (services never name commands; the edge does).
 */
export type RefusalContext = Omit<Refusal, 'conversationId' | 'why'> & { hint?: string; notFoundHint?: string };

const sentence = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}`;

/** The problems of a ValidationError as one line: its issues' messages, or its message when it has none. */
export const problemsText = (issues: readonly Issue[], message: string): string =>
  issues.length ? issues.map((i) => i.message).join('; ') : message;

/**
 * The one place a domain error (db/errors.ts) becomes a reply. A ForbiddenError is audited as
 * `what` (bot/teams/refusals.ts). Anything that is not a domain error is rethrown unchanged: a
 * lost database connection for the caller's lost-connection handling, the rest for the turn's
 * error handler (`turnFailureReply`).
 */
export async function problemOf(deps: BotDeps, ctx: TurnContext, e: unknown, what: RefusalContext): Promise<Problem> {
  if (e instanceof ValidationError)
    return { kind: 'invalid', text: problemsText(e.issues, e.message), message: e.message, issues: e.issues };
  if (e instanceof ForbiddenError) {
    const audited = { what: what.what, entityType: what.entityType, entityId: what.entityId };
    return { kind: 'refused', text: await refuse(deps, ctx, { ...audited, why: e.message }, what.hint) };
  }
  if (e instanceof NotFoundError)
    return { kind: 'not-found', text: `${sentence(e.message)}${what.notFoundHint ? ` ${what.notFoundHint}` : ''}` };
  throw e;
}

/**
 * Whether `e` says the thing may not be shown to the sender, or is gone: for a handler that only
 * falls back to a plainer answer (the refusal itself was already answered and audited elsewhere).
 */
export const isRefusedOrGone = (e: unknown): boolean => e instanceof ForbiddenError || e instanceof NotFoundError;

/**
 * A domain error as a chat message (commands): the problem and, for invalid input, the right
 * form (`usage`). Other errors are rethrown.
 */
export async function problemReply(deps: BotDeps, ctx: TurnContext, e: unknown, what: RefusalContext, usage?: string): Promise<string> {
  const p = await problemOf(deps, ctx, e, what);
  return p.kind === 'invalid' ? `Nothing was saved: ${p.text}.${usage ? `\n\nUse ${usage}.` : ''}` : p.text;
}

/** The turn-error handler's answer to a chat message: nothing was saved. */
const MESSAGE_FAILED = 'Sorry, something went wrong and nothing was saved. Please try again; if it keeps happening, tell the coordinator.';
/** The turn-error handler's answer to a card action: it may have failed after saving, so it does not claim "nothing was saved". */
const CARD_ACTION_FAILED =
  'Sorry, something went wrong. Check the current card before trying again; if it keeps happening, tell the coordinator.';

/**
 * What to tell a user whose turn failed outside the handlers' own mapping (e.g. the database was
 * unreachable while the bot looked them up, or a bug): "not saved, try again" when the database
 * connection dropped before a commit, "unconfirmed" when it dropped during one, else an apology
 * that fits a message (`message`) or a card action (`card`).
 */
export function turnFailureReply(e: unknown, on: 'message' | 'card'): string {
  const lost = lostSave(e);
  if (lost === 'unknown') return SAVE_UNCONFIRMED;
  if (lost === 'not-saved') return NOT_SAVED_TRY_AGAIN;
  return on === 'message' ? MESSAGE_FAILED : CARD_ACTION_FAILED;
}

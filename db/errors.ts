// Domain errors: small named classes thrown by the services. They are turned into replies in one
// place at the edge (bot/teams/replies.ts for Teams; the HTTP routes answer ValidationError as 400),
// so their messages say what is wrong in the field's terms and never name a bot command.

/** Input that breaks a rule or a schema; `issues` say where and what. Nothing was written. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** The named thing does not exist (an occurrence reference, a user). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The user's roles do not allow the action; the message says which role is needed. */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

/** Turns zod issues into the contract's `{ path, message }` list (docs/interfaces.md). */
export function toIssues(
  issues: readonly { path: readonly (string | number)[]; message: string }[],
  prefix: (string | number)[] = [],
): { path: string; message: string }[] {
  return issues.map((i) => ({ path: [...prefix, ...i.path].join('.') || '(root)', message: i.message }));
}

import type { Activity, TurnContext } from 'botbuilder';
import type { Next, Request, RequestHandler, Response } from 'restify';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Config } from '../config.js';
import { authenticateActivity, TeamsAuthError, type BotAdapter } from '../teams-auth.js';

/** A compact JWT after "Bearer ": three base64url parts (the signature part may not be empty). */
const BEARER_JWT = /^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The least of an activity this bot needs before it lets botbuilder see it. */
const activitySchema = z
  .object({
    type: z.string().min(1, 'type is required'),
    serviceUrl: z.string().url('serviceUrl must be a URL'),
  })
  .passthrough();

const unauthorized = (res: Response) => {
  res.header('WWW-Authenticate', 'Bearer');
  res.send(401, { error: 'unauthorized' });
};

/**
 * Runs before the body is read on `POST /api/messages`: with Microsoft credentials, a request
 * without a well-formed `Authorization: Bearer <JWT>` gets 401 and its body is never read.
 */
export function bearerPresent(config: Config, logger: Logger): RequestHandler {
  return (req: Request, res: Response, next: Next) => {
    if (!config.microsoftApp || BEARER_JWT.test(req.header('authorization') ?? '')) return next();
    logger.warn(
      { status: 401, reason: req.header('authorization') ? 'Authorization is not Bearer <JWT>' : 'no Authorization header' },
      'activity refused',
    );
    unauthorized(res);
    return next(false);
  };
}

/**
 * `POST /api/messages` (the Bot Framework messaging endpoint), after `bearerPresent` and the body
 * reader. 400 for a body that is not an activity; 401 `{"error":"unauthorized"}` for an invalid
 * token, 503 `{"error":"unavailable"}` when the signing keys cannot be fetched in time: no detail
 * in the answer, one warn line in the log. Otherwise the turn runs and its invoke response is sent.
 */
export function messagesHandler(deps: { adapter: BotAdapter; config: Config; logger: Logger; logic: (ctx: TurnContext) => Promise<void> }) {
  return async (req: Request, res: Response): Promise<void> => {
    const parsed = activitySchema.safeParse(req.body);
    if (!parsed.success) {
      res.send(400, {
        errors: parsed.error.issues.map((i) => ({
          path: i.path.join('.') || '(body)',
          message: i.path.length ? i.message : 'send a Bot Framework activity (JSON object)',
        })),
      });
      return;
    }
    const activity = fixDates(parsed.data as Record<string, unknown>) as unknown as Activity;
    let auth: Awaited<ReturnType<typeof authenticateActivity>> | '' = '';
    if (deps.config.microsoftApp) {
      try {
        auth = await authenticateActivity(deps.adapter, deps.config, activity, req.header('authorization') ?? '');
      } catch (e) {
        const err = e instanceof TeamsAuthError ? e : new TeamsAuthError(503, 'authentication failed unexpectedly');
        deps.logger.warn({ status: err.status, reason: err.reason, activityType: activity.type }, 'activity refused');
        if (err.status === 401) unauthorized(res);
        else res.send(503, { error: 'unavailable' });
        return;
      }
    }
    try {
      const invoke = await deps.adapter.runTurn(auth, activity, deps.logic);
      if (invoke?.body !== undefined) res.send(invoke.status ?? 200, invoke.body);
      else {
        res.status(invoke?.status ?? 200);
        res.end();
      }
    } catch (e) {
      deps.logger.error({ err: e, activityType: activity.type }, 'turn failed');
      if (!res.headersSent) res.send(500, { error: 'internal' });
    }
  };
}

/** As botbuilder's validateAndFixActivity: ISO strings to Dates, the raw strings kept. */
function fixDates(a: Record<string, unknown>): Record<string, unknown> {
  for (const [k, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    if (typeof a[k] === 'string') {
      a[raw] = a[k];
      a[k] = new Date(a[k]);
    }
  }
  return a;
}

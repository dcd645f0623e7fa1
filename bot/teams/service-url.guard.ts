import type restify from 'restify';
import { z } from 'zod';
import { isTrustedServiceUrl, originOf } from '../../db/conversations/conversations.service.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/** Just the part of an activity this guard reads; the adapter validates the rest. */
const addressed = z.object({ serviceUrl: z.unknown().optional(), type: z.unknown().optional() }).passthrough();

/**
 * Refuses an activity whose `serviceUrl` is missing or not under SERVICE_URL_ALLOWLIST before the
 * Teams adapter sees it: no turn runs, so nothing is stored, looked up or sent (issue 9, item 6).
 * Runs after body parsing. Answers 400 when the body is not a JSON object; 401 in authenticated
 * mode when the request carries no bearer token (authentication is asked for first, as the
 * adapter would); else 403. Logs one warn line naming the refused URL's origin.
 */
export function serviceUrlGuard(config: Pick<Config, 'serviceUrlAllowlist' | 'microsoftApp'>, logger: Logger): restify.RequestHandler {
  return (req, res, next) => {
    const body = addressed.safeParse(req.body);
    if (!body.success) {
      res.send(400, { error: 'the body must be a Bot Framework activity (a JSON object)' });
      return next(false);
    }
    if (isTrustedServiceUrl(config.serviceUrlAllowlist, body.data.serviceUrl)) return next();
    const unauthenticated = config.microsoftApp !== null && !/^Bearer\s+\S/i.test(req.header('authorization') ?? '');
    const status = unauthenticated ? 401 : 403;
    logger.warn(
      {
        serviceUrlOrigin: originOf(body.data.serviceUrl),
        activityType: typeof body.data.type === 'string' ? body.data.type.slice(0, 40) : null,
        status,
      },
      'refused an activity: its service URL is not in SERVICE_URL_ALLOWLIST',
    );
    res.send(status, { error: unauthenticated ? 'authentication required' : 'the activity names a service URL this bot does not trust' });
    return next(false);
  };
}

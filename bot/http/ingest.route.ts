import type { Request, Response } from 'restify';
import { timingSafeEqual, createHash } from 'node:crypto';
import { ValidationError } from '../../db/errors.js';
import { ingestOccurrences, validateFeed } from '../../db/occurrences/occurrences.service.js';
import type { BotDeps } from '../teams/context.js';

/** Largest batch the feed accepts in one request (docs/interfaces.md). */
export const MAX_BATCH = 1000;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time check of `Authorization: Bearer <key>`. */
function bearerMatches(header: string | undefined, key: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return Boolean(m) && timingSafeEqual(digest(m![1]!.trim()), digest(key));
}

/** Answers 401 unless the request carries the feed key; true when it does. */
export function hasIngestKey(req: Request, res: Response, key: string): boolean {
  if (bearerMatches(req.header('authorization'), key)) return true;
  res.header('WWW-Authenticate', 'Bearer');
  res.send(401, { errors: [{ path: '(header)', message: 'a valid Authorization: Bearer <INGEST_API_KEY> header is required' }] });
  return false;
}

/**
 * `POST /api/occurrences` (docs/interfaces.md "The occurrence feed"): one occurrence or
 * `{ "occurrences": [...] }`. 201 when any was created, else 200; 400 with `{ errors }` and
 * nothing written; 401 without the key; 413 over the size limit (body parser).
 */
export function ingestHandler(deps: BotDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    if (!hasIngestKey(req, res, deps.config.ingestApiKey)) return;
    const body: unknown = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      res.send(400, { errors: [{ path: '(body)', message: 'send a JSON object: one occurrence, or { "occurrences": [ … ] }' }] });
      return;
    }
    const batch = 'occurrences' in body;
    const items = batch ? (body as { occurrences: unknown }).occurrences : [body];
    if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH) {
      res.send(400, { errors: [{ path: 'occurrences', message: `must be an array of 1 to ${MAX_BATCH} occurrences` }] });
      return;
    }
    try {
      const now = deps.clock();
      const valid = validateFeed(items, deps.config, (i) => (batch ? ['occurrences', i] : []), now);
      const results = await ingestOccurrences(deps.db, valid, deps.config, 'system:ingest-api', now);
      deps.kickOutbox();
      const tally = (o: string) => results.filter((r) => r.outcome === o).length;
      deps.logger.info({ created: tally('created'), updated: tally('updated'), unchanged: tally('unchanged') }, 'occurrences ingested');
      const created = results.some((r) => r.outcome === 'created');
      res.send(created ? 201 : 200, { results: results.map(({ id, source, reference, outcome }) => ({ id, source, reference, outcome })) });
    } catch (e) {
      if (e instanceof ValidationError) {
        deps.logger.info({ problems: e.issues.length }, 'occurrence feed refused');
        res.send(400, { errors: e.issues });
        return;
      }
      deps.logger.error({ err: e }, 'ingest failed');
      res.send(500, { errors: [{ path: '(server)', message: 'the occurrences could not be stored; nothing was written; retry later' }] });
    }
  };
}

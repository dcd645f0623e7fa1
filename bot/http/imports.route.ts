import type { Request, Response } from 'restify';
import { z } from 'zod';
import { importPlan } from '../../db/actions/plan.service.js';
import { systemActor } from '../../db/actions/actions.service.js';
import { ValidationError } from '../../db/errors.js';
import { importRoster } from '../../db/users/users.service.js';
import type { BotDeps } from '../teams/context.js';
import { hasIngestKey } from './ingest.route.js';

const kindSchema = z.enum(['actions', 'users']);

/**
 * `POST /api/imports/actions` (the delivery plan CSV of docs/interfaces.md) and `POST /api/imports/users`
 * (the roster CSV), with `Authorization: Bearer <INGEST_API_KEY>` and a `text/csv` body. The same
 * checks as `npm run import`: any bad row gets 400 with `{ errors: [{ path: "line N.column", message }] }`
 * and nothing is written; otherwise 200 with `{ results }` row by row. `npm run import` uses this
 * route when a bot with the embedded database (one process at a time) is running.
 */
export function importHandler(deps: BotDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    if (!hasIngestKey(req, res, deps.config.ingestApiKey)) return;
    const kind = kindSchema.safeParse((req.params as Record<string, unknown>).kind);
    if (!kind.success) {
      res.send(404, { errors: [{ path: '(path)', message: 'import kinds: actions, users' }] });
      return;
    }
    const body: unknown = req.body;
    const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : null;
    if (!text || !/^text\/csv\b/i.test(req.header('content-type') ?? '')) {
      res.send(415, { errors: [{ path: '(body)', message: 'send the CSV file as the body with Content-Type: text/csv' }] });
      return;
    }
    try {
      const results =
        kind.data === 'actions'
          ? await importPlan(deps.db, text, systemActor('Plan import', 'system:import-api'), deps.clock())
          : await importRoster(deps.db, text, 'system:import-api');
      deps.logger.info({ kind: kind.data, rows: results.length }, 'import applied');
      res.send(200, { results });
    } catch (e) {
      if (e instanceof ValidationError) {
        res.send(400, { errors: e.issues });
        return;
      }
      deps.logger.error({ err: e, kind: kind.data }, 'import failed');
      res.send(500, { errors: [{ path: '(server)', message: 'the import could not be stored; nothing was written; retry later' }] });
    }
  };
}

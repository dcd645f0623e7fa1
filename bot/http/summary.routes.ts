import type restify from 'restify';
import { downloadExport } from '../../db/summary/scrutiny.service.js';
import type { BotDeps } from '../teams/context.js';

const NOT_FOUND = 'This download link has expired or is not valid. Ask the bot for a new scrutiny pack.';

/**
 * HTTP routes of issue 5: `GET /api/exports/:token.csv` serves a scrutiny-pack CSV while its
 * one-hour link is valid (404 otherwise, the same for unknown and expired links); every
 * download is audited. The token is the only credential: 256 random bits, stored hashed.
 */
export function registerSummaryRoutes(server: restify.Server, deps: BotDeps): void {
  server.get('/api/exports/:file', async (req, res) => {
    const file = String((req.params as Record<string, unknown>).file ?? '');
    const token = file.endsWith('.csv') ? file.slice(0, -4) : '';
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
    const found = token
      ? await downloadExport(
          deps.db,
          token,
          { ip: req.socket?.remoteAddress ?? null, userAgent: req.header('user-agent') ?? null },
          deps.clock(),
        )
      : null;
    if (!found) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end(NOT_FOUND);
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${found.filename.replace(/[^\w.-]/g, '_')}"`,
    });
    res.end(found.content);
  });
}

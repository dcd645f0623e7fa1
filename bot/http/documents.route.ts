import type restify from 'restify';
import { downloadDocument, DOCX_TYPE } from '../../db/documents/documents.service.js';
import type { BotDeps } from '../teams/context.js';

const NOT_FOUND = 'This download link has expired or is not valid. Ask the bot for the document again.';
const refusedText = (why: string) => `Sorry, this document is not shown: ${why}. Ask the bot for it again.`;

/**
 * `GET /api/documents/:token.docx` (issue 13 item 4): serves a meeting pack or summary report
 * while its one-hour link is valid. Unknown, malformed and expired links get the same 404; a link
 * whose requester has since lost the right gets 403 with the reason and no data. Every download
 * and refusal is audited (db/documents). The token is the only credential: 256 random bits, stored hashed.
 */
export function registerDocumentRoutes(server: restify.Server, deps: BotDeps): void {
  server.get('/api/documents/:file', async (req, res) => {
    const file = String((req.params as Record<string, unknown>).file ?? '');
    const token = file.endsWith('.docx') ? file.slice(0, -5) : '';
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
    const result = token
      ? await downloadDocument(
          deps.db,
          token,
          { ip: req.socket?.remoteAddress ?? null, userAgent: req.header('user-agent') ?? null },
          deps.config.microsoftApp === null,
          deps.clock(),
        )
      : ({ ok: false, reason: 'not_found' } as const);
    if (!result.ok) {
      res.writeHead(result.reason === 'refused' ? 403 : 404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end(result.reason === 'refused' ? refusedText(result.why) : NOT_FOUND);
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': DOCX_TYPE,
      'content-length': String(result.content.byteLength),
      'content-disposition': `attachment; filename="${result.filename.replace(/[^\w.-]/g, '_')}"`,
    });
    res.end(Buffer.from(result.content));
  });
}

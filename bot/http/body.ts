/**
 * The one way a POST body is read (every route): identity, gzip or deflate, with the limit applied
 * to the bytes on the wire AND to the inflated bytes, so a small gzip bomb cannot fill memory.
 * Any other Content-Encoding is refused before a byte is read; a corrupt stream is a 400, never a
 * crash. Routes run their key or token check before this, so unauthenticated bodies are not read.
 */
import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';
import type { Next, Request, RequestHandler, Response } from 'restify';

/** A body that cannot be read: its HTTP status and a message for the caller. */
export class BodyError extends Error {
  override readonly name = 'BodyError';
  constructor(
    readonly status: 400 | 408 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

const ACCEPTED = 'identity, gzip, deflate';

/** The decoder for a Content-Encoding header, null for identity; BodyError 415 for anything else. */
function decoderFor(header: string | undefined): Gunzip | Inflate | null {
  const codings = (header ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
  if (codings.length === 0) return null;
  // One coding only: stacked codings add nothing a sender needs and multiply the work.
  if (codings.length === 1 && (codings[0] === 'gzip' || codings[0] === 'x-gzip')) return createGunzip();
  if (codings.length === 1 && codings[0] === 'deflate') return createInflate();
  throw new BodyError(415, `Content-Encoding "${header}" is not accepted; send the body as ${ACCEPTED}`);
}

/**
 * Reads the whole body of `req`, decompressing it.
 * @param limit largest body in bytes, both as sent and once inflated
 * @returns the (inflated) bytes; empty for no body
 * @throws BodyError 415 (encoding), 413 (too large), 400 (corrupt compressed data or aborted upload)
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  let decoder: Gunzip | Inflate | null;
  try {
    decoder = decoderFor(req.headers['content-encoding']);
  } catch (e) {
    return Promise.reject(e as Error);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let raw = 0;
    let inflated = 0;
    let settled = false;
    const fail = (e: BodyError) => {
      if (settled) return;
      settled = true;
      req.removeListener('data', onRaw);
      decoder?.destroy();
      req.resume(); // discard the rest without holding it; the answer goes out with Connection: close
      reject(e);
    };
    const onOut = (chunk: Buffer) => {
      inflated += chunk.length;
      if (inflated > limit) return fail(tooLarge(limit));
      chunks.push(chunk);
    };
    const done = () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks));
    };
    const onRaw = (chunk: Buffer) => {
      raw += chunk.length;
      if (raw > limit) return fail(tooLarge(limit));
      if (decoder) decoder.write(chunk);
      else onOut(chunk);
    };
    req.on('data', onRaw);
    req.on('error', () => fail(new BodyError(400, 'the upload was interrupted')));
    req.on('aborted', () => fail(new BodyError(400, 'the upload was interrupted')));
    if (decoder) {
      decoder.on('data', onOut);
      decoder.on('error', () => fail(new BodyError(400, 'the compressed body is corrupt or truncated')));
      decoder.on('end', done);
      req.on('end', () => decoder.end());
    } else {
      req.on('end', done);
    }
  });
}

function tooLarge(limit: number): BodyError {
  return new BodyError(413, `the body is larger than ${limit} bytes (INGEST_MAX_BODY_BYTES), counted after decompression`);
}

const isJson = (contentType: string | undefined) => /^application\/([\w.+-]*\+)?json\b/i.test(contentType ?? '');

/**
 * restify handler that reads the body with `readBody` into `req.body`: parsed JSON for a JSON
 * Content-Type, otherwise the text (UTF-8); undefined when empty. Errors end the request with
 * `{ errors: [{ path: "(body)", message }] }` and the status of the BodyError (400 for bad JSON).
 */
export function bodyReader(limit: number): RequestHandler {
  // Callback style: restify lets only callback handlers stop the chain (next(false)).
  return (req: Request, res: Response, next: Next) => {
    readBody(req, limit).then(
      (bytes) => {
        const text = bytes.length === 0 ? undefined : bytes.toString('utf8');
        if (text !== undefined && isJson(req.header('content-type'))) {
          try {
            req.body = JSON.parse(text);
          } catch (e) {
            sendBodyError(res, new BodyError(400, `the body is not valid JSON (${(e as Error).message})`));
            return next(false);
          }
        } else {
          req.body = text;
        }
        return next();
      },
      (e: unknown) => {
        if (!(e instanceof BodyError)) return next(e as Error);
        sendBodyError(res, e);
        return next(false);
      },
    );
  };
}

function sendBodyError(res: Response, e: BodyError): void {
  // The rest of a refused upload is not wanted: close the connection once answered.
  if (e.status !== 400 || /interrupted/.test(e.message)) res.header('connection', 'close');
  if (e.status === 415) res.header('accept-encoding', ACCEPTED);
  res.send(e.status, { errors: [{ path: '(body)', message: e.message }] });
}

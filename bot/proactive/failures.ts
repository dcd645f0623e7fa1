/** How the outbox reads a failed send: HTTP status, Retry-After, and when to try again. */

/** Backoff between attempts: 2^n seconds up to an hour, or the connector's Retry-After when longer. */
export function retryDelayMs(attempts: number, retryAfterSeconds: number | null): number {
  const backoff = Math.min(3600, 2 ** Math.min(attempts, 12)) * 1000;
  return Math.max(backoff, (retryAfterSeconds ?? 0) * 1000);
}

/** The HTTP status of a failed connector call, or null (network error). */
export function statusOf(e: unknown): number | null {
  const err = e as { statusCode?: number; status?: number; response?: { status?: number } };
  return err.statusCode ?? err.status ?? err.response?.status ?? null;
}

/** The Retry-After header (seconds) of a failed connector call, or null. */
export function retryAfterOf(e: unknown): number | null {
  const headers = (e as { response?: { headers?: { get?: (k: string) => string | undefined } } }).response?.headers;
  const v = headers?.get?.('retry-after');
  const n = v ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

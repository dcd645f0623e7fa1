/** PostgreSQL error codes worth retrying a whole transaction for: unique violation (a racing insert), serialization failure, deadlock. */
const RETRYABLE = new Set(['23505', '40001', '40P01']);

/**
 * Runs `work` (one whole transaction) again when it lost a race with another writer.
 * @throws the last error after `attempts` tries, or at once for other errors
 */
export async function withRetry<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (i >= attempts || !code || !RETRYABLE.has(code)) throw e;
    }
  }
}

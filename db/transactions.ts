import type { DatabaseConnection, Dialect, Driver, Kysely, TransactionSettings } from 'kysely';

/** PostgreSQL error codes worth retrying a whole transaction for: unique violation (a racing insert), serialization failure, deadlock. */
const RETRYABLE = new Set(['23505', '40001', '40P01']);

/**
 * SQLSTATEs a server sends as it drops the session: connection exceptions (class 08), admin
 * shutdown (pg_terminate_backend, a restart), crash shutdown, "cannot connect now" (starting up,
 * failing over), and the idle-session timeouts, which end the session too.
 */
const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '25P03', '57P05']);

/** Socket errors (node's errno codes) meaning the link to the server is gone or never came up. */
const SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * node-postgres and PGlite say "the connection is gone" in messages without a code:
 * pg's "Connection terminated unexpectedly", "Client has encountered a connection error and is
 * not queryable", "Client was closed and is not queryable", pg-pool's "timeout exceeded when
 * trying to connect", and PGlite's "PGlite is closed".
 */
const CONNECTION_MESSAGE =
  /connection terminated|not queryable|timeout exceeded when trying to connect|pglite is closed|database system is (?:starting up|shutting down|in recovery mode)|server closed the connection/i;

/**
 * Whether `e` (or its cause) says the database connection was lost or could not be made, rather
 * than that a statement was refused. A transaction that failed this way before COMMIT was rolled
 * back by the server, so running it again is safe.
 */
export function isConnectionLost(e: unknown): boolean {
  for (let err = e, depth = 0; err && typeof err === 'object' && depth < 5; err = (err as { cause?: unknown }).cause, depth++) {
    if (err instanceof DatabaseUnavailableError) return true;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('08') || CONNECTION_CODES.has(code) || SOCKET_CODES.has(code))) return true;
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string' && CONNECTION_MESSAGE.test(message)) return true;
  }
  return false;
}

/** No connection to the database could be had (server down, refusing connections, pool timeout). Nothing was written. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/**
 * The connection was lost while COMMIT was on its way: the transaction may or may not have been
 * committed. Never retried and never reported as "not saved": the caller re-reads the saved state.
 */
export class CommitOutcomeUnknownError extends Error {
  override readonly name = 'CommitOutcomeUnknownError';
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` (one whole transaction) again when it lost a race with another writer (up to
 * `attempts` tries), or once more when the connection dropped before COMMIT (the server rolled
 * the transaction back, so the retry cannot double-save; the retry takes a fresh connection),
 * or up to 3 more times when no transaction could even begin (DatabaseUnavailableError).
 * @throws the last error; CommitOutcomeUnknownError at once (retrying could save twice)
 */
export async function withRetry<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  let dropped = 0;
  let unavailable = 0;
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (e) {
      if (e instanceof CommitOutcomeUnknownError) throw e;
      // Nothing began (no connection, or a pooled one found dead at BEGIN: after a restart the
      // pool may hand out several before it sees their sockets close): try a few more times.
      if (e instanceof DatabaseUnavailableError) {
        if (++unavailable > 3) throw e;
        await pause(50 * unavailable);
        continue;
      }
      if (isConnectionLost(e)) {
        if (++dropped > 1) throw e;
        await pause(50); // lets the pool see the other sockets the server closed
        continue;
      }
      const code = (e as { code?: string }).code;
      if (i >= attempts || !code || !RETRYABLE.has(code)) throw e;
    }
  }
}

/**
 * Wraps a driver so that a lost connection says what it means for the data:
 * - failing to get a connection, or a connection found dead at BEGIN, is DatabaseUnavailableError
 *   (nothing was started);
 * - a connection lost during COMMIT becomes CommitOutcomeUnknownError (it may have committed);
 *   a COMMIT the server refused (serialization, deferred constraint) is left as it is: the
 *   server rolled it back;
 * - a ROLLBACK on a connection that is already gone is skipped, so the error that broke the
 *   transaction reaches the caller rather than "Client was closed"; the server discards an
 *   open transaction when its session ends.
 */
class ResilientDriver implements Driver {
  savepoint?: Driver['savepoint'];
  rollbackToSavepoint?: Driver['rollbackToSavepoint'];
  releaseSavepoint?: Driver['releaseSavepoint'];
  constructor(private readonly inner: Driver) {
    if (inner.savepoint) this.savepoint = inner.savepoint.bind(inner);
    if (inner.rollbackToSavepoint) this.rollbackToSavepoint = inner.rollbackToSavepoint.bind(inner);
    if (inner.releaseSavepoint) this.releaseSavepoint = inner.releaseSavepoint.bind(inner);
  }
  init(): Promise<void> {
    return this.inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    try {
      return await this.inner.acquireConnection();
    } catch (e) {
      // Whatever the reason (server down, refusing connections, pool timeout), nothing ran.
      throw new DatabaseUnavailableError(`database unavailable: ${(e as Error).message}`, { cause: e });
    }
  }
  async beginTransaction(c: DatabaseConnection, s: TransactionSettings): Promise<void> {
    try {
      await this.inner.beginTransaction(c, s);
    } catch (e) {
      if (isConnectionLost(e))
        throw new DatabaseUnavailableError(`connection lost before the transaction began: ${(e as Error).message}`, { cause: e });
      throw e;
    }
  }
  async commitTransaction(c: DatabaseConnection): Promise<void> {
    try {
      await this.inner.commitTransaction(c);
    } catch (e) {
      if (isConnectionLost(e)) throw new CommitOutcomeUnknownError(`connection lost during commit: ${(e as Error).message}`, { cause: e });
      throw e;
    }
  }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    try {
      await this.inner.rollbackTransaction(c);
    } catch (e) {
      if (!isConnectionLost(e)) throw e;
    }
  }
  releaseConnection(c: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(c);
  }
  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** The same dialect with a driver that classifies lost connections (see ResilientDriver). */
export function resilient(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new ResilientDriver(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db: Kysely<any>) => dialect.createIntrospector(db),
  };
}

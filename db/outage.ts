import { isConnectionLost } from './transactions.js';

/** The part of a logger a poll loop needs (pino's Logger fits, and so does the jobs' log). */
export interface OutageLogger {
  error(obj: unknown, msg: string): void;
  info(obj: unknown, msg: string): void;
}

/**
 * Logs a poll loop's database outage once when it starts and once when it ends (with how long
 * it lasted and how many polls failed), instead of an error at every tick; the loop itself just
 * keeps polling and resumes when the database answers again. Errors that are not a lost
 * connection are logged every time, as before.
 */
export class OutageLog {
  private since: Date | null = null;
  private failures = 0;

  /** @param what the loop's name in the log, e.g. `outbox` or `job review-sweep` */
  constructor(
    private readonly log: OutageLogger,
    private readonly what: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A poll went through: ends an outage in progress. */
  succeeded(): void {
    if (!this.since) return;
    const seconds = Math.round((this.clock().getTime() - this.since.getTime()) / 1000);
    this.log.info({ loop: this.what, failedPolls: this.failures, seconds }, `${this.what}: database connection back, resumed`);
    this.since = null;
    this.failures = 0;
  }

  /** A poll failed with `err`: the first of an outage is logged; later ones only counted. */
  failed(err: unknown, message = `${this.what} failed`): void {
    if (!isConnectionLost(err)) {
      this.log.error({ err, loop: this.what }, message);
      return;
    }
    this.failures++;
    if (this.since) return;
    this.since = this.clock();
    this.log.error({ err, loop: this.what }, `${this.what}: database unavailable; will keep retrying and log when it is back`);
  }
}

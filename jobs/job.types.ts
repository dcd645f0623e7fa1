import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** What every job may use: the database, the clock, and a nudge to the outbox to send what it queued. */
export interface JobContext {
  db: Kysely<Database>;
  clock: () => Date;
  kickOutbox: () => void;
}

/** A scheduled job: a cron expression (Europe/London) and what it does; returns a count for the log. */
export interface JobSpec {
  name: string;
  cron: string;
  run: () => Promise<number>;
}

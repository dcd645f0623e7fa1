import type { Kysely } from 'kysely';
import type { Config } from '../bot/config.js';
import type { Database } from '../db/schema.js';
import { actionJobs } from './actions.jobs.js';
import { summaryJobs } from './summary.jobs.js';

/** What feature jobs may use. */
export interface FeatureJobDeps {
  db: Kysely<Database>;
  config: Config;
  clock: () => Date;
  kickOutbox: () => void;
}

/** A scheduled job: a cron expression (Europe/London) and what it does; returns a count for the log. */
export interface JobSpec {
  name: string;
  cron: string;
  run: () => Promise<number>;
}

/** Jobs contributed by features (issues 4 and 5). */
export function featureJobs(deps: FeatureJobDeps): JobSpec[] {
  return [...actionJobs(deps), ...summaryJobs(deps)];
}

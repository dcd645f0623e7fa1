import cron, { type ScheduledTask } from 'node-cron';
import type { Kysely } from 'kysely';
import { OutageLog } from '../db/outage.js';
import type { Database } from '../db/schema.js';
import type { ScheduleConfig } from '../db/schedule/schedule.service.js';
import { runDigest } from './digest.job.js';
import type { JobSpec } from './feature-jobs.js';
import { runReviewSweep } from './review-sweep.job.js';

export interface JobDeps {
  db: Kysely<Database>;
  schedule: ScheduleConfig;
  clock: () => Date;
  kickOutbox: () => void;
  log: { error(obj: unknown, msg: string): void; info(obj: unknown, msg: string): void };
}

/** Cron expressions in Europe/London. */
export interface JobTimes {
  sweepCron: string;
  digestCron: string;
}

/**
 * Starts the scheduled jobs (node-cron, Europe/London, no overlapping runs): the review sweep
 * (default every minute) and the weekday digest (default 08:00 Monday to Friday).
 * @returns stop(), which waits for nothing further to start
 */
export function startJobs(deps: JobDeps, times: JobTimes, extra: readonly JobSpec[] = []): { stop(): Promise<void> } {
  // A database outage is logged once per job when it starts and once when it ends, not every run.
  const guard = (name: string, fn: () => Promise<number>) => {
    const outage = new OutageLog(deps.log, `job ${name}`, deps.clock);
    return async () => {
      try {
        const n = await fn();
        outage.succeeded();
        if (n > 0) deps.log.info({ job: name, count: n }, 'job ran');
      } catch (err) {
        outage.failed(err, 'job failed');
      }
    };
  };
  const tasks: ScheduledTask[] = [
    cron.schedule(times.sweepCron, guard('review-sweep', () => runReviewSweep(deps)), { timezone: 'Europe/London', name: 'review-sweep', noOverlap: true }),
    cron.schedule(times.digestCron, guard('digest', () => runDigest(deps)), { timezone: 'Europe/London', name: 'digest', noOverlap: true }),
    ...extra.map((j) => cron.schedule(j.cron, guard(j.name, j.run), { timezone: 'Europe/London', name: j.name, noOverlap: true })),
  ];
  return {
    async stop() {
      for (const t of tasks) await t.destroy();
    },
  };
}

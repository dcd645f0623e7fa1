import cron, { type ScheduledTask } from 'node-cron';
import { OutageLog } from '../db/database.js';
import type { JobSpec } from './job.types.js';
import { ZONE } from '../db/time/london-time.js';

/** What the scheduler itself needs: the clock (for outage logs) and a log. */
export interface SchedulerDeps {
  clock: () => Date;
  log: { error(obj: unknown, msg: string): void; info(obj: unknown, msg: string): void };
}

/**
 * Starts one node-cron task per job spec (Europe/London, no overlapping runs of one job). A
 * failed run is logged and the next runs as scheduled.
 * @returns stop(), which waits for nothing further to start
 */
export function startJobs(jobs: readonly JobSpec[], deps: SchedulerDeps): { stop(): Promise<void> } {
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
  const tasks: ScheduledTask[] = jobs.map((j) =>
    cron.schedule(j.cron, guard(j.name, j.run), { timezone: ZONE, name: j.name, noOverlap: true }),
  );
  return {
    async stop() {
      for (const t of tasks) await t.destroy();
    },
  };
}

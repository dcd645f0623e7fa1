import type { ReminderConfig } from '../db/actions/reminders.service.js';
import type { ScheduleConfig } from '../db/schedule/schedule.service.js';
import { runActionReminders } from './actions-reminders.job.js';
import type { JobContext, JobSpec } from './job.types.js';
import { runDigest } from './digest.job.js';
import { erasedCount, runRetention, type RetentionJobSettings } from './retention.job.js';
import { runReviewSweep } from './review-sweep.job.js';
import { runMonthlySummaries, runWeeklySummaries } from './summary-scheduled.job.js';

/** Each job's own settings: its cron expression and only what its run needs (built from Config by the composition root). */
export interface JobSettings {
  /** SWEEP_CRON (every minute) and the review schedule (issue 3). */
  reviewSweep: { cron: string; schedule: ScheduleConfig };
  /** DIGEST_CRON (08:00 Monday to Friday). */
  digest: { cron: string };
  /** ACTIONS_CRON (09:00 Monday to Friday) and the meeting reminder days (issue 4). */
  actionReminders: { cron: string; reminders: ReminderConfig };
  /** SUMMARY_WEEKLY_CRON (Monday 08:00) (issue 5). */
  summaryWeekly: { cron: string };
  /** SUMMARY_MONTHLY_CRON (the 1st, 08:00) (issue 5). */
  summaryMonthly: { cron: string };
  /** RETENTION_CRON (02:30 daily) and the retention periods (issue 12 item 6); null or absent: not scheduled (RETENTION_ENABLED=false). */
  retention: RetentionJobSettings | null;
}

/**
 * The one list of scheduled jobs. Each reads due work through the services and queues messages in
 * the outbox (typed payloads, rendered when sent), so a crash or a second replica never loses or
 * doubles a message.
 */
export function jobList(ctx: JobContext, s: JobSettings): JobSpec[] {
  return [
    { name: 'review-sweep', cron: s.reviewSweep.cron, run: () => runReviewSweep(ctx, s.reviewSweep.schedule) },
    { name: 'digest', cron: s.digest.cron, run: () => runDigest(ctx) },
    { name: 'action-reminders', cron: s.actionReminders.cron, run: () => runActionReminders(ctx, s.actionReminders.reminders) },
    { name: 'summary-weekly', cron: s.summaryWeekly.cron, run: () => runWeeklySummaries(ctx) },
    { name: 'summary-monthly', cron: s.summaryMonthly.cron, run: () => runMonthlySummaries(ctx) },
    ...(s.retention ? [retentionSpec(ctx, s.retention)] : []),
  ];
}

function retentionSpec(ctx: JobContext, r: RetentionJobSettings): JobSpec {
  return { name: 'retention', cron: r.cron, run: async () => erasedCount(await runRetention(ctx, r.periods)) };
}

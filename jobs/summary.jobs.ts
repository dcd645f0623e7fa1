import type { FeatureJobDeps, JobSpec } from './feature-jobs.js';
import { runMonthlySummaries, runWeeklySummaries } from './summary-scheduled.job.js';

/**
 * Scheduled summaries (issue 5): weekly to managers (SUMMARY_WEEKLY_CRON, default Monday 08:00)
 * and monthly per district to coordinators (SUMMARY_MONTHLY_CRON, default the 1st, 08:00),
 * Europe/London, through the outbox.
 */
export function summaryJobs(deps: FeatureJobDeps): JobSpec[] {
  return [
    { name: 'summary-weekly', cron: deps.config.summary.weeklyCron, run: () => runWeeklySummaries(deps) },
    { name: 'summary-monthly', cron: deps.config.summary.monthlyCron, run: () => runMonthlySummaries(deps) },
  ];
}

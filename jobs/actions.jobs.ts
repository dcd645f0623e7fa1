import { runActionReminders } from './actions-reminders.job.js';
import type { FeatureJobDeps, JobSpec } from './feature-jobs.js';

/** Action chases and meeting update prompts (issue 4), on `config.actions.cron` (default 09:00 Monday to Friday, Europe/London). */
export function actionJobs(deps: FeatureJobDeps): JobSpec[] {
  return [{ name: 'action-reminders', cron: deps.config.actions.cron, run: () => runActionReminders(deps) }];
}

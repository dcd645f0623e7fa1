import type { FeatureJobDeps, JobSpec } from './feature-jobs.js';

/** Scheduled summaries (issue 5). */
export function summaryJobs(_deps: FeatureJobDeps): JobSpec[] {
  return [];
}

import type { FeatureJobDeps, JobSpec } from './feature-jobs.js';

/** Action chases and meeting update prompts (issue 4). */
export function actionJobs(_deps: FeatureJobDeps): JobSpec[] {
  return [];
}

import { renderSummaryCard } from '../cards/summary.card.js';
import { queueMonthlySummaries, queueWeeklySummaries } from '../db/summary/scheduled-summaries.service.js';
import { summarySettingsOf } from '../db/summary/summary.service.js';
import type { FeatureJobDeps } from './feature-jobs.js';


/** Queues last week's summary to each manager's personal chat (issue 5 item 4). @returns summaries queued */
export async function runWeeklySummaries(deps: FeatureJobDeps): Promise<number> {
  const n = await queueWeeklySummaries(deps.db, summarySettingsOf(deps.config), deps.clock(), (report) => renderSummaryCard(report));
  if (n > 0) deps.kickOutbox();
  return n;
}

/** Queues last month's summary per district to the district's coordinators (issue 5 item 4). @returns summaries queued */
export async function runMonthlySummaries(deps: FeatureJobDeps): Promise<number> {
  const n = await queueMonthlySummaries(deps.db, summarySettingsOf(deps.config), deps.clock(), (report) => renderSummaryCard(report));
  if (n > 0) deps.kickOutbox();
  return n;
}

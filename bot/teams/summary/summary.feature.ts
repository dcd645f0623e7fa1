import { SUMMARY_VERBS } from '../../../cards/summary.verbs.js';
import type { Feature } from '../feature.js';
import { handleSummaryShow, runScrutinyCommand, runSummaryCommand } from './summary.handlers.js';

/** Status summaries and scrutiny packs (issue 5). */
export const summaryFeature: Feature = {
  commands: [
    {
      words: ['summary'],
      help: [
        '- `summary [period] [district NAME]` – where hate crime stands: counts against the previous period, strands with a chart, risk, repeats, review compliance, delivery plan, outcomes. Periods: this week, last week, this month (default), last month, this quarter, last quarter, year to date, or `1/10/2026 to 31/10/2026`',
      ],
      run: runSummaryCommand,
    },
    {
      words: ['scrutiny'],
      help: [
        '- `scrutiny pack [period] [district NAME]` – anonymised random sample of closed occurrences with the aggregate tables and a CSV download, for scrutiny panels (coordinators and managers; default last quarter)',
      ],
      run: runScrutinyCommand,
    },
  ],
  cardActions: [{ verb: SUMMARY_VERBS.show, handle: handleSummaryShow }],
};

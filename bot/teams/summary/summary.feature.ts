import type { Feature } from '../feature.js';

/** Status summaries and scrutiny packs (issue 5). */
export const summaryFeature: Feature = { commands: [], cardActions: [] };

import { actionsFeature } from './actions/actions.feature.js';
import { digestFeature } from './digest/digest.feature.js';
import { endorsementFeature } from './endorsement/endorsement.feature.js';
import type { Feature } from './feature.js';
import { summaryFeature } from './summary/summary.feature.js';

/** Features beyond the review loop, in help order. */
export const FEATURES: readonly Feature[] = [endorsementFeature, actionsFeature, summaryFeature, digestFeature];

import type { Feature } from '../feature.js';

/** Delivery-plan actions and meetings (issue 4). */
export const actionsFeature: Feature = { commands: [], cardActions: [] };

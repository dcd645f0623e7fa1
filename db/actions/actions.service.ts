/**
 * The delivery-plan actions feature, as callers outside db/actions see it: assign an action
 * (actions.assign.ts), change it (actions.change.ts), show and list them (actions.list.ts),
 * and the model (actions.model.ts). Import from here.
 */
export * from './actions.model.js';
export type { ActionDetail } from './actions.common.js';
export { assignAction, assignableUsers, type AssignInput, type Assigned } from './actions.assign.js';
export { changeAction, type ActionChange } from './actions.change.js';
export { reassignAction, type ReassignInput, type Reassigned } from './actions.holder.js';
export { LIST_PAGE_SIZE, listActions, planOrder, showAction, type ActionFilter } from './actions.list.js';
export { londonDate } from '../time/london-time.js';
export { DATE_FORMS, parsePlanDate, parseUkDate, parseUkDateTime } from '../time/date-grammar.js';
export type { PersonSpec } from './owners.js';

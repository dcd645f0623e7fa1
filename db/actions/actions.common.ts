import { ValidationError } from '../errors.js';
import type { Action, ActionUpdate } from './actions.model.js';

/** An action with its updates, newest first. */
export interface ActionDetail {
  action: Action;
  updates: ActionUpdate[];
}

/** Refuses input that breaks a rule: a ValidationError naming the field (`path`). @throws ValidationError */
export function check(cond: unknown, path: string, message: string): void {
  if (!cond) throw new ValidationError(message, [{ path, message }]);
}

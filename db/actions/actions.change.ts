import type { Kysely } from 'kysely';
import { allow, canDischargeAction, canReorganiseAction, canUpdateAction } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { Database } from '../schema.js';
import { withRetry } from '../transactions.js';
import { londonDate } from '../time/london-time.js';
import { TEXT_LIMITS, tooLong } from '../text-limits.js';
import { check, type ActionDetail } from './actions.common.js';
import type { Action, ActionActor, ActionStatus, PillarOrNone } from './actions.model.js';
import { findById, findByRef, insertUpdate, lockAction, updatesFor } from './actions.repository.js';

/** A change to an existing action. */
export type ActionChange =
  | { kind: 'update'; text: string }
  | { kind: 'status'; status: ActionStatus }
  | { kind: 'pillar'; pillar: PillarOrNone }
  | { kind: 'discharge' };

function authorise(actor: ActionActor, action: Action, change: ActionChange): void {
  if (change.kind === 'discharge') allow(canDischargeAction(actor, action));
  else if (change.kind === 'pillar') allow(canReorganiseAction(actor, action));
  else allow(canUpdateAction(actor, action));
}

function validateChange(action: Action, change: ActionChange): void {
  if (action.status === 'discharged' && change.kind !== 'pillar') {
    throw new ValidationError(`${action.ref} was discharged`, [
      { path: 'status', message: `${action.ref} has been discharged and is closed; assign a new action if more is needed` },
    ]);
  }
  if (change.kind === 'update') {
    check(change.text.trim().length >= 2, 'text', 'write the update (at least 2 characters)');
    check(change.text.trim().length <= TEXT_LIMITS.actionUpdate, 'text', tooLong('an update', 'actionUpdate'));
  }
  if (change.kind === 'status') check(change.status !== 'discharged', 'status', 'discharging is for the tactical lead (a manager)');
}

/**
 * Records an update, a status change, a pillar change or a discharge on the action `ref` (or id),
 * dated today (London), as a new entry in its history. Audited in the same transaction.
 * A status that is already the action's status changes nothing (`changed` false).
 * @throws NotFoundError for an unknown ref; ForbiddenError (update/status: the holder or a
 *   coordinator; pillar: a coordinator; discharge: a manager); ValidationError
 */
export async function changeAction(
  conn: Kysely<Database>,
  input: { ref?: string; id?: string; change: ActionChange; actor: ActionActor; now: Date },
): Promise<ActionDetail & { changed: boolean }> {
  return withRetry(() =>
    conn.transaction().execute(async (trx) => {
      const found = input.id ? await findById(trx, input.id) : await findByRef(trx, input.ref ?? '');
      if (!found) throw new NotFoundError(`no action has the ref ${input.ref ?? '(from the card)'}`);
      await lockAction(trx, found.id);
      const action = (await findById(trx, found.id))!;
      authorise(input.actor, action, input.change);
      validateChange(action, input.change);
      const c = input.change;
      const date = londonDate(input.now);
      const base = { actionId: action.id, date, authorUserId: input.actor.userId, authorName: input.actor.name, now: input.now };
      let changed = true;
      if (c.kind === 'update') await insertUpdate(trx, { ...base, text: c.text.trim(), statusFrom: null, statusTo: null });
      else if (c.kind === 'status' || c.kind === 'discharge') {
        const to = c.kind === 'status' ? c.status : 'discharged';
        changed = to !== action.status;
        if (changed) await insertUpdate(trx, { ...base, text: null, statusFrom: action.status, statusTo: to });
      } else {
        changed = c.pillar !== action.pillar;
        if (changed)
          await trx.updateTable('actions').set({ pillar: c.pillar, updated_at: input.now }).where('id', '=', action.id).execute();
      }
      if (changed) {
        const kind =
          c.kind === 'update'
            ? 'action.updated'
            : c.kind === 'discharge'
              ? 'action.discharged'
              : c.kind === 'status'
                ? 'action.status_changed'
                : 'action.pillar_changed';
        await recordAudit(trx, {
          actor: input.actor.label,
          action: kind,
          entityType: 'action',
          entityId: action.id,
          details: { ref: action.ref, from: c.kind === 'pillar' ? action.pillar : action.status, ...c },
        });
      }
      const detail = { action: (await findById(trx, action.id))!, updates: (await updatesFor(trx, [action.id])).get(action.id) ?? [] };
      return { ...detail, changed };
    }),
  );
}

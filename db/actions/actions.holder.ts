import type { Kysely } from 'kysely';
import { allow, canAssignActions, canReorganiseAction } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { enqueueMessages, type OutboxMessage } from '../outbox/outbox.service.js';
import type { Database } from '../schema.js';
import { withRetry } from '../transactions.js';
import { TEXT_LIMITS, tooLong } from '../text-limits.js';
import { check, type ActionDetail } from './actions.common.js';
import { ownerLabel, type Action, type ActionActor } from './actions.model.js';
import { findById, findByRef, lockAction, updatesFor } from './actions.repository.js';
import { holderDistrict } from './districts.js';
import { resolvePerson, type PersonSpec } from './owners.js';

/** What `action REF holder …` asks for: a person, or an agency with an optional named contact. */
export interface ReassignInput {
  ref: string;
  person: PersonSpec | null;
  agency: string | null;
  contact: PersonSpec | null;
  actor: ActionActor;
  now: Date;
}

/** The outcome: the action as it is now, and who was told (names), old and new holders. */
export interface Reassigned extends ActionDetail {
  changed: boolean;
  toldNew: string[];
  toldOld: string[];
}

/** Reachable contacts other than the actor, by user id. */
const reachable = (a: Action, actor: ActionActor) =>
  a.contacts.filter((c) => c.inTeams && c.userId && c.userId !== actor.userId) as { userId: string; name: string }[];

/**
 * Re-assigns an action (issue 13 item 1): to a person, or to an agency with an optional named
 * contact (without one, the agency's roster contacts answer for it). A coordinator's decision
 * (for the action's district and the new holder's); the action moves to the new holder's district
 * (districts.ts). Audited; the new holders get the action card and the old ones a note, through the
 * outbox in the same transaction. Re-assigning to the current holder changes nothing.
 * @throws NotFoundError; ForbiddenError unless a coordinator; ValidationError (discharged, no holder, unknown person)
 */
export async function reassignAction(conn: Kysely<Database>, input: ReassignInput): Promise<Reassigned> {
  check(input.person || input.agency, 'holder', 'name the new holder: a person, or an agency');
  check(!input.agency || input.agency.trim().length <= TEXT_LIMITS.agency, 'agency', tooLong('an agency name', 'agency'));
  return withRetry(() =>
    conn.transaction().execute(async (trx) => {
      const found = await findByRef(trx, input.ref);
      if (!found) throw new NotFoundError(`no action has the ref ${input.ref}`);
      await lockAction(trx, found.id);
      const before = (await findById(trx, found.id))!;
      allow(canReorganiseAction(input.actor, before, 'holder'));
      if (before.status === 'discharged')
        throw new ValidationError(`${before.ref} was discharged`, [
          { path: 'status', message: `${before.ref} has been discharged and is closed` },
        ]);
      const person = input.person ?? input.contact;
      const resolved = person ? await resolvePerson(trx, person, input.actor, input.person ? 'holder' : 'contact') : null;
      const district = resolved ? await holderDistrict(trx, resolved) : null;
      allow(canAssignActions(input.actor, district));
      const next = {
        owner_kind: input.agency ? ('agency' as const) : ('person' as const),
        owner_agency: input.agency?.trim() || null,
        owner_upn: resolved?.upn ?? null,
        owner_user_id: resolved?.userId ?? null,
      };
      const same =
        next.owner_kind === before.ownerKind &&
        (next.owner_agency ?? '').toLowerCase() === (before.ownerAgency ?? '').toLowerCase() &&
        next.owner_upn === before.ownerUpn &&
        (next.owner_user_id ?? null) === (before.ownerUserId ?? null);
      const updates = async (a: Action) => (await updatesFor(trx, [a.id])).get(a.id) ?? [];
      if (same) return { action: before, updates: await updates(before), changed: false, toldNew: [], toldOld: [] };
      await trx
        .updateTable('actions')
        .set({ ...next, district, updated_at: input.now })
        .where('id', '=', before.id)
        .execute();
      const after = (await findById(trx, before.id))!;
      const fresh = reachable(after, input.actor);
      const gone = reachable(before, input.actor).filter((o) => !fresh.some((n) => n.userId === o.userId));
      const stamp = input.now.getTime();
      const messages: OutboxMessage[] = [
        ...fresh.map((c) => ({
          dedupeKey: `action-holder:${after.id}:${stamp}:${c.userId}`,
          conversationId: `user:${c.userId}`,
          payload: {
            type: 'action' as const,
            actionId: after.id,
            mode: 'assigned' as const,
            meeting: null,
            unreachable: false,
            reroute: { district: after.district ?? '*' },
          },
        })),
        ...gone.map((c) => ({
          dedupeKey: `action-holder-old:${after.id}:${stamp}:${c.userId}`,
          conversationId: `user:${c.userId}`,
          payload: {
            type: 'text' as const,
            text: `Action ${after.ref} is no longer yours: the coordinator has re-assigned it to ${ownerLabel(after)}. Thank you for your work on it.`,
          },
        })),
      ];
      await enqueueMessages(trx, messages, input.now);
      await recordAudit(trx, {
        actor: input.actor.label,
        action: 'action.holder_changed',
        entityType: 'action',
        entityId: after.id,
        details: {
          ref: after.ref,
          from: ownerLabel(before),
          to: ownerLabel(after),
          district: { from: before.district, to: district },
          told: messages.map((m) => m.conversationId),
        },
      });
      return {
        action: after,
        updates: await updates(after),
        changed: true,
        toldNew: fresh.map((c) => c.name),
        toldOld: gone.map((c) => c.name),
      };
    }),
  );
}

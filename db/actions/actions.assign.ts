import type { Kysely } from 'kysely';
import { allow, canAssignActions } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { ValidationError } from '../errors.js';
import { enqueueMessages, type ActionPayload } from '../outbox/outbox.service.js';
import type { Database, Db } from '../schema.js';
import { withRetry } from '../transactions.js';
import { londonDate } from '../time/london-time.js';
import { TEXT_LIMITS, tooLong } from '../text-limits.js';
import { check, type ActionDetail } from './actions.common.js';
import { UNASSIGNED, type ActionActor, type PillarOrNone } from './actions.model.js';
import { findById, findByRef, nextAutoRef } from './actions.repository.js';
import { holderDistrict } from './districts.js';
import { resolvePerson, type PersonSpec } from './owners.js';

/** What `assign` (command or card form) asks for. `due` is 'YYYY-MM-DD' (London) or null. */
export interface AssignInput {
  text: string;
  person: PersonSpec | null;
  agency: string | null;
  pillar: PillarOrNone | null;
  due: string | null;
  ref: string | null;
  objective: string | null;
  actor: ActionActor;
  now: Date;
}

/** The outcome of an assignment: the action and whether its holder can be told in Teams. */
export interface Assigned extends ActionDetail {
  holderInTeams: boolean;
}

/**
 * Creates an action (seed 001 1.8: the coordinator disseminates actions to their holders).
 * A person, or an agency with an optional named contact, owns it; without a ref it gets `A<n>`.
 * A holder other than the actor who is reachable in Teams gets the action card in their
 * personal chat through the outbox, queued in the same transaction. Audited. The action belongs
 * to the holder's district (districts.ts), or is force-wide.
 * @throws ForbiddenError unless the actor is a coordinator (for the holder's district); ValidationError for a taken ref,
 *   empty or long text, a past due date, or a person who cannot be identified
 */
export async function assignAction(conn: Kysely<Database>, input: AssignInput): Promise<Assigned & { holderNotified: boolean }> {
  allow(canAssignActions(input.actor));
  const text = input.text.trim();
  check(text.length >= 3, 'text', 'say what is to be done (at least 3 characters)');
  check(text.length <= TEXT_LIMITS.actionText, 'text', tooLong('the action text', 'actionText'));
  check(input.person || input.agency, 'owner', 'name the holder: a person, or an agency');
  check(!input.due || input.due >= londonDate(input.now), 'due', 'the due date is in the past');
  check(!input.agency || input.agency.trim().length <= TEXT_LIMITS.agency, 'agency', tooLong('an agency name', 'agency'));
  return withRetry(() =>
    conn.transaction().execute(async (trx) => {
      const person = input.person ? await resolvePerson(trx, input.person, input.actor) : null;
      // The action belongs to its holder's district: only a coordinator for it may assign it there.
      const district = person ? await holderDistrict(trx, person) : null;
      allow(canAssignActions(input.actor, district));
      const ref = input.ref ?? (await nextAutoRef(trx));
      if (await findByRef(trx, ref))
        throw new ValidationError(`ref ${ref} is taken`, [
          { path: 'ref', message: `an action with ref ${ref} already exists; choose another ref or leave it out` },
        ]);
      const raisedAt = await trx
        .selectFrom('meetings')
        .select('id')
        .where('starts_at', '<=', input.now)
        .where('starts_at', '>=', new Date(input.now.getTime() - 12 * 3_600_000))
        .orderBy('starts_at', 'desc')
        .executeTakeFirst();
      const row = await trx
        .insertInto('actions')
        .values({
          ref,
          objective: input.objective?.trim() || null,
          text,
          pillar: input.pillar ?? UNASSIGNED,
          owner_kind: input.agency ? 'agency' : 'person',
          owner_upn: person?.upn ?? null,
          owner_user_id: person?.userId ?? null,
          owner_agency: input.agency?.trim() || null,
          status: 'not_started',
          due_date: input.due,
          district,
          raised_at_meeting_id: raisedAt?.id ?? null,
          created_by: input.actor.userId,
          created_at: input.now,
          updated_at: input.now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        actor: input.actor.label,
        action: 'action.assigned',
        entityType: 'action',
        entityId: row.id,
        details: {
          ref,
          pillar: input.pillar ?? UNASSIGNED,
          owner: person?.upn ?? person?.name ?? null,
          agency: input.agency,
          due: input.due,
          district,
        },
      });
      const action = (await findById(trx, row.id))!;
      const assigned = { action, updates: [], holderInTeams: Boolean(person?.inTeams) };
      const notify = Boolean(action.holderInTeams && action.holderUserId && action.holderUserId !== input.actor.userId);
      if (notify) {
        const payload: ActionPayload = {
          type: 'action',
          actionId: action.id,
          mode: 'assigned',
          meeting: null,
          unreachable: false,
          reroute: { district: action.district ?? '*' },
        };
        await enqueueMessages(
          trx,
          [{ dedupeKey: `action-assigned:${action.id}`, conversationId: `user:${action.holderUserId}`, payload }],
          input.now,
        );
        await recordAudit(trx, {
          actor: input.actor.label,
          action: 'action.reminder_queued',
          entityType: 'action',
          entityId: action.id,
          details: { key: `action-assigned:${action.id}` },
        });
      }
      return { ...assigned, holderNotified: notify };
    }),
  );
}

/** People the assign form offers (known users, by name; at most 100), the actor first. */
export async function assignableUsers(db: Db, actorUserId: string | null): Promise<{ id: string; name: string; upn: string | null }[]> {
  const rows = await db.selectFrom('users').select(['id', 'name', 'upn']).orderBy('name').limit(100).execute();
  return [...rows.filter((r) => r.id === actorUserId), ...rows.filter((r) => r.id !== actorUserId)];
}

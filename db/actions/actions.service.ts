import { sql, type Kysely } from 'kysely';
import {
  allow,
  canAssignActions,
  forceWide,
  canDischargeAction,
  canReorganiseAction,
  canSeeAction,
  canSeePlan,
  canUpdateAction,
} from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { enqueueMessages, type ActionPayload } from '../outbox/outbox.service.js';
import type { Database, Db } from '../schema.js';
import { withRetry } from '../transactions.js';
import {
  OVERDUE_STATUSES,
  UNASSIGNED,
  type Action,
  type ActionActor,
  type ActionStatus,
  type ActionUpdate,
  type PillarOrNone,
} from './actions.model.js';
import {
  actionsQuery,
  fetchActions,
  findById,
  findByRef,
  insertUpdate,
  lockAction,
  nextAutoRef,
  updatesFor,
} from './actions.repository.js';
import { holderDistrict } from './districts.js';
import { likePattern, resolvePerson, type PersonSpec } from './owners.js';
import { londonDate } from '../time/london-time.js';
import { TEXT_LIMITS, tooLong } from '../text-limits.js';

export * from './actions.model.js';
export { londonDate } from '../time/london-time.js';
export { DATE_FORMS, parsePlanDate, parseUkDate, parseUkDateTime } from '../time/date-grammar.js';
export type { PersonSpec } from './owners.js';

/** An action with its updates, newest first. */
export interface ActionDetail {
  action: Action;
  updates: ActionUpdate[];
}

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

function check(cond: unknown, path: string, message: string): void {
  if (!cond) throw new ValidationError(message, [{ path, message }]);
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

/**
 * Shows an action to the actor (holder, coordinator, manager; partners only their own); the
 * disclosure is audited with where it went.
 * @throws NotFoundError, ForbiddenError
 */
export async function showAction(
  conn: Kysely<Database>,
  input: { ref?: string; id?: string; actor: ActionActor; conversationId: string | null },
): Promise<ActionDetail> {
  return conn.transaction().execute(async (trx) => {
    const action = input.id ? await findById(trx, input.id) : await findByRef(trx, input.ref ?? '');
    if (!action) throw new NotFoundError(`no action has the ref ${input.ref ?? '(from the card)'}`);
    allow(canSeeAction(input.actor, action));
    await recordAudit(trx, {
      actor: input.actor.label,
      action: 'action.disclosed',
      entityType: 'action',
      entityId: action.id,
      details: { ref: action.ref, conversationId: input.conversationId },
    });
    return { action, updates: (await updatesFor(trx, [action.id])).get(action.id) ?? [] };
  });
}

/** Which actions `actions …` lists. */
export type ActionFilter =
  { kind: 'all' } | { kind: 'mine' } | { kind: 'overdue' } | { kind: 'pillar'; pillar: PillarOrNone } | { kind: 'owner'; owner: string };

/**
 * Lists delivery-plan actions (discharged ones only when asked by owner/pillar), by pillar and
 * ref, with their latest update; `mine` for anyone, the rest for coordinators and managers,
 * over the actions of their districts and force-wide ones (and any they hold).
 * Audited as a disclosure. @throws ForbiddenError
 */
export async function listActions(
  conn: Kysely<Database>,
  input: { filter: ActionFilter; actor: ActionActor; now: Date; conversationId: string | null; limit?: number },
): Promise<{ actions: ActionDetail[]; total: number }> {
  const f = input.filter;
  if (f.kind !== 'mine') allow(canSeePlan(input.actor));
  return conn.transaction().execute(async (trx) => {
    let q = actionsQuery(trx).orderBy('a.pillar').orderBy('a.ref');
    if (f.kind === 'mine') {
      const a = input.actor;
      // Matched by user id or UPN, whichever is known (a user whose UPN Teams did not give has only the id).
      q = q
        .where((eb) =>
          eb.or([
            ...(a.userId ? [eb('a.owner_user_id', '=', a.userId)] : []),
            ...(a.upn ? [eb('a.owner_upn', '=', a.upn.toLowerCase())] : []),
            eb.val(false),
          ]),
        )
        .where('a.status', '!=', 'discharged');
    } else if (f.kind === 'overdue') q = q.where('a.due_date', '<', londonDate(input.now)).where('a.status', 'in', OVERDUE_STATUSES);
    else if (f.kind === 'pillar') q = q.where('a.pillar', '=', f.pillar);
    else if (f.kind === 'owner') {
      const term = likePattern(f.owner);
      q = q.where((eb) =>
        eb.or([
          eb(sql`lower(u.name)`, 'like', term),
          eb(sql`lower(a.owner_upn)`, 'like', term),
          eb(sql`lower(a.owner_agency)`, 'like', term),
        ]),
      );
    } else q = q.where('a.status', '!=', 'discharged');
    // The plan as the actor may open it (canSeeAction): their districts' actions and force-wide ones; theirs always.
    const a = input.actor;
    if (f.kind !== 'mine' && !forceWide(a)) {
      const mine = a.districts.map((d) => d.toLowerCase());
      q = q.where((eb) =>
        eb.or([
          eb('a.district', 'is', null),
          ...(mine.length ? [eb(sql`lower(a.district)`, 'in', mine)] : []),
          ...(a.userId ? [eb('a.owner_user_id', '=', a.userId)] : []),
          ...(a.upn ? [eb('a.owner_upn', '=', a.upn.toLowerCase())] : []),
        ]),
      );
    }
    const all = await fetchActions(q);
    const shown = all.slice(0, input.limit ?? 40);
    const updates = await updatesFor(
      trx,
      shown.map((a) => a.id),
    );
    await recordAudit(trx, {
      actor: input.actor.label,
      action: 'actions.listed',
      entityType: 'action',
      entityId: '*',
      details: { filter: f, count: all.length, conversationId: input.conversationId },
    });
    return { actions: shown.map((action) => ({ action, updates: updates.get(action.id) ?? [] })), total: all.length };
  });
}

/** People the assign form offers (known users, by name; at most 100), the actor first. */
export async function assignableUsers(db: Db, actorUserId: string | null): Promise<{ id: string; name: string; upn: string | null }[]> {
  const rows = await db.selectFrom('users').select(['id', 'name', 'upn']).orderBy('name').limit(100).execute();
  return [...rows.filter((r) => r.id === actorUserId), ...rows.filter((r) => r.id !== actorUserId)];
}

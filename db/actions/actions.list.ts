import { sql, type Kysely } from 'kysely';
import { allow, canSeeAction, canSeePlan, forceWide } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { NotFoundError } from '../errors.js';
import type { Database } from '../schema.js';
import { londonDate } from '../time/london-time.js';
import type { ActionDetail } from './actions.common.js';
import { OVERDUE_STATUSES, type ActionActor, type PillarOrNone } from './actions.model.js';
import { actionsQuery, fetchActions, findById, findByRef, updatesFor } from './actions.repository.js';
import { likePattern } from './owners.js';

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

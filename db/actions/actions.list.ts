import { sql, type Kysely } from 'kysely';
import { allow, canSeeAction, canSeePlan, forceWide } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { NotFoundError } from '../errors.js';
import type { Database } from '../schema.js';
import { londonDate } from '../time/london-time.js';
import type { ActionDetail } from './actions.common.js';
import { isHolder, OVERDUE_STATUSES, PILLARS, UNASSIGNED, type Action, type ActionActor, type PillarOrNone } from './actions.model.js';
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

/** The national plan's order of pillars (seed 001's six key actions), actions without one last. */
const PILLAR_ORDER: readonly string[] = [...PILLARS, UNASSIGNED];

/** Plan order: pillar in the national plan's order, then ref in natural order (1.2 before 1.10). */
export function planOrder(a: Pick<Action, 'pillar' | 'ref'>, b: Pick<Action, 'pillar' | 'ref'>): number {
  return (
    PILLAR_ORDER.indexOf(a.pillar) - PILLAR_ORDER.indexOf(b.pillar) ||
    a.ref.localeCompare(b.ref, 'en-GB', { numeric: true, sensitivity: 'base' })
  );
}

/** Actions per page of the `actions` list card: about two screens in Teams (issue 13 item 5). */
export const LIST_PAGE_SIZE = 8;

/**
 * Lists delivery-plan actions (discharged ones only when asked by owner/pillar) in plan order
 * (planOrder), one page (`page` from 0, LIST_PAGE_SIZE each) with their updates; `mine` (what
 * the actor holds, an agency's named contacts included) for anyone, the rest for coordinators and
 * managers, over the actions of their districts and force-wide ones (and any they hold).
 * Audited as a disclosure. @throws ForbiddenError
 */
export async function listActions(
  conn: Kysely<Database>,
  input: { filter: ActionFilter; actor: ActionActor; now: Date; conversationId: string | null; page?: number },
): Promise<{ actions: ActionDetail[]; total: number; page: number; pages: number }> {
  const f = input.filter;
  if (f.kind !== 'mine') allow(canSeePlan(input.actor));
  return conn.transaction().execute(async (trx) => {
    let q = actionsQuery(trx);
    // `mine` is decided by the access rule's isHolder on every open action (an agency's contacts come from the roster).
    if (f.kind === 'mine') q = q.where('a.status', '!=', 'discharged');
    else if (f.kind === 'overdue') q = q.where('a.due_date', '<', londonDate(input.now)).where('a.status', 'in', OVERDUE_STATUSES);
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
    const fetched = await fetchActions(q, trx);
    const all = (f.kind === 'mine' ? fetched.filter((x) => isHolder(input.actor, x)) : fetched).sort(planOrder);
    const pages = Math.max(1, Math.ceil(all.length / LIST_PAGE_SIZE));
    const page = Math.min(Math.max(0, input.page ?? 0), pages - 1);
    const shown = all.slice(page * LIST_PAGE_SIZE, (page + 1) * LIST_PAGE_SIZE);
    const updates = await updatesFor(
      trx,
      shown.map((a) => a.id),
    );
    await recordAudit(trx, {
      actor: input.actor.label,
      action: 'actions.listed',
      entityType: 'action',
      entityId: '*',
      details: { filter: f, count: all.length, page, conversationId: input.conversationId },
    });
    return { actions: shown.map((action) => ({ action, updates: updates.get(action.id) ?? [] })), total: all.length, page, pages };
  });
}

import { ForbiddenError } from '../errors.js';
import { covers, forceWide, holds, type Actor } from '../access/access.policy.js';

/** Who asks for a summary: the access rule's actor (only what figures need). */
export type SummaryActor = Pick<Actor, 'label' | 'upn' | 'roles' | 'districts'>;

/**
 * What a summary may cover (issue 5, "Who sees what"):
 * - `force`: every district (a force-wide (`*`) manager, coordinator or partner);
 * - `districts`: the listed districts (lower case for matching, `names` as the user wrote them);
 * - `own`: only occurrences where the user is OIC or supervisor, and their own reviews and actions.
 * `aggregatesOnly`: partners (and scrutiny packs) get counts only, with small numbers suppressed.
 */
export type SummaryScope =
  | { kind: 'force'; label: string; aggregatesOnly: boolean }
  | { kind: 'districts'; label: string; districts: readonly string[]; aggregatesOnly: boolean }
  | { kind: 'own'; label: string; upn: string; districts: readonly string[] | null; aggregatesOnly: false };

const outside = (actor: SummaryActor, requested: string) =>
  `only a manager or coordinator for ${requested} can see its figures (your roster districts are ${actor.districts.join(', ')})`;

function pickDistrict(actor: SummaryActor, requested: string | null): string[] {
  if (!requested) return [...actor.districts];
  const hit = actor.districts.find((d) => d.toLowerCase() === requested.toLowerCase());
  if (!hit) throw new ForbiddenError(outside(actor, requested));
  return [hit];
}

function districtsScope(names: readonly string[], aggregatesOnly: boolean): SummaryScope {
  return { kind: 'districts', label: names.join(', '), districts: names.map((d) => d.toLowerCase()), aggregatesOnly };
}

/** Districts scope for an actor with districts: force-wide (`*`) may ask for any district. */
function rosterScope(actor: SummaryActor, requested: string | null, aggregatesOnly: boolean): SummaryScope {
  if (forceWide(actor))
    return requested ? districtsScope([requested], aggregatesOnly) : { kind: 'force', label: 'All districts', aggregatesOnly };
  if (requested && !covers(actor, requested)) throw new ForbiddenError(outside(actor, requested));
  return districtsScope(pickDistrict(actor, requested), aggregatesOnly);
}

/**
 * Resolves what a summary may show to this actor, for an optional requested district
 * (case-insensitive), by the need-to-know rule (docs/domain.md): a manager or coordinator sees their
 * districts (`*` force-wide; an empty list gives nothing), else an officer or supervisor their
 * own items, else a partner aggregates of their districts. Admin alone sees no figures.
 * @throws ForbiddenError when no role of the actor sees summaries, a district is outside the
 *   roster districts, or an officer's UPN is unknown
 */
export function resolveSummaryScope(actor: SummaryActor, requested: string | null): SummaryScope {
  const districts = actor.districts.length > 0;
  if ((holds(actor, 'manager') || holds(actor, 'coordinator')) && districts) return rosterScope(actor, requested, false);
  if (holds(actor, 'officer') || holds(actor, 'supervisor')) {
    if (!actor.upn)
      throw new ForbiddenError('the bot does not know your user principal name yet, so it cannot tell which occurrences are yours');
    const own = requested ? [requested.toLowerCase()] : null;
    return {
      kind: 'own',
      label: `Your occurrences (as OIC or supervisor)${requested ? ` in ${requested}` : ''}`,
      upn: actor.upn.toLowerCase(),
      districts: own,
      aggregatesOnly: false,
    };
  }
  if (holds(actor, 'partner') && districts) return rosterScope(actor, requested, true);
  if (holds(actor, 'manager') || holds(actor, 'coordinator') || holds(actor, 'partner')) {
    throw new ForbiddenError(
      'you have no districts on the roster, so there are no figures you may see; ask an admin to add your districts',
    );
  }
  throw new ForbiddenError('summaries are for managers, coordinators, officers, supervisors and partners on the roster');
}

/**
 * Scope of a scrutiny pack: coordinators and managers, over the districts they may see.
 * The pack is always aggregates-only with small numbers suppressed (it leaves the police).
 * @throws ForbiddenError for any other role, or a district outside the roster districts
 */
export function resolveScrutinyScope(actor: SummaryActor, requested: string | null): SummaryScope {
  if (!holds(actor, 'coordinator') && !holds(actor, 'manager'))
    throw new ForbiddenError('scrutiny packs are prepared by coordinators and managers');
  if (actor.districts.length === 0)
    throw new ForbiddenError(
      'you have no districts on the roster, so there is no pack you may prepare; ask an admin to add your districts',
    );
  const scope = rosterScope(actor, requested, true);
  return { ...scope, aggregatesOnly: true } as SummaryScope;
}

/** A stable key of a scope for audit entries and caching, e.g. `force`, `districts:bradford,leeds`. */
export function scopeKey(scope: SummaryScope): string {
  if (scope.kind === 'force') return 'force';
  if (scope.kind === 'districts') return `districts:${[...scope.districts].sort().join(',')}`;
  return `own:${scope.upn}${scope.districts ? `:${scope.districts.join(',')}` : ''}`;
}

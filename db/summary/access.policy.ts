import { ForbiddenError } from '../errors.js';

/** Who asks for a summary: their roles in force, roster districts and UPN. */
export interface SummaryActor {
  /** Audit actor label, e.g. `user:<uuid>` or `system:summary-job`. */
  label: string;
  upn: string | null;
  roles: readonly string[];
  districts: readonly string[];
}

/**
 * What a summary may cover (issue 5, "Who sees what"):
 * - `force`: every district (admin; a manager or coordinator with no roster districts);
 * - `districts`: the listed districts (lower case for matching, `names` as the user wrote them);
 * - `own`: only occurrences where the user is OIC or supervisor, and their own reviews and actions.
 * `aggregatesOnly`: partners (and scrutiny packs) get counts only, with small numbers suppressed.
 */
export type SummaryScope =
  | { kind: 'force'; label: string; aggregatesOnly: boolean }
  | { kind: 'districts'; label: string; districts: readonly string[]; aggregatesOnly: boolean }
  | { kind: 'own'; label: string; upn: string; districts: readonly string[] | null; aggregatesOnly: false };

const has = (a: SummaryActor, ...roles: string[]) => roles.some((r) => a.roles.includes(r));

function pickDistrict(actor: SummaryActor, allowed: readonly string[], requested: string | null): string[] {
  if (!requested) return [...allowed];
  const hit = allowed.find((d) => d.toLowerCase() === requested.toLowerCase());
  if (!hit) throw new ForbiddenError(`your roster districts are ${allowed.join(', ')}; ${requested} is not one of them`);
  return [hit];
}

function districtsScope(names: readonly string[], aggregatesOnly: boolean): SummaryScope {
  return { kind: 'districts', label: names.join(', '), districts: names.map((d) => d.toLowerCase()), aggregatesOnly };
}

/**
 * Resolves what a summary may show to this actor, for an optional requested district
 * (case-insensitive). Admin holds every role. The widest role wins: admin, then manager or
 * coordinator, then officer or supervisor (own items), then partner (aggregates only).
 * @throws ForbiddenError when the actor has no role that sees summaries, asks for a district
 *   outside their roster districts, or is an officer whose UPN is unknown
 */
export function resolveSummaryScope(actor: SummaryActor, requested: string | null): SummaryScope {
  if (has(actor, 'admin') || (has(actor, 'manager', 'coordinator') && actor.districts.length === 0)) {
    return requested ? districtsScope([requested], false) : { kind: 'force', label: 'All districts', aggregatesOnly: false };
  }
  if (has(actor, 'manager', 'coordinator')) return districtsScope(pickDistrict(actor, actor.districts, requested), false);
  if (has(actor, 'officer', 'supervisor')) {
    if (!actor.upn) throw new ForbiddenError('the bot does not know your user principal name yet, so it cannot tell which occurrences are yours');
    const districts = requested ? [requested.toLowerCase()] : null;
    return { kind: 'own', label: `Your occurrences (as OIC or supervisor)${requested ? ` in ${requested}` : ''}`, upn: actor.upn.toLowerCase(), districts, aggregatesOnly: false };
  }
  if (has(actor, 'partner')) {
    if (actor.districts.length === 0) return requested ? districtsScope([requested], true) : { kind: 'force', label: 'All districts', aggregatesOnly: true };
    return districtsScope(pickDistrict(actor, actor.districts, requested), true);
  }
  throw new ForbiddenError('summaries are for managers, coordinators, officers, supervisors and partners on the roster');
}

/**
 * Scope of a scrutiny pack: coordinators, managers and admins, over the districts they may see.
 * The pack is always aggregates-only with small numbers suppressed (it leaves the police).
 * @throws ForbiddenError for any other role, or a district outside the roster districts
 */
export function resolveScrutinyScope(actor: SummaryActor, requested: string | null): SummaryScope {
  if (!has(actor, 'admin', 'coordinator', 'manager')) throw new ForbiddenError('scrutiny packs are prepared by coordinators and managers');
  const scope = resolveSummaryScope(actor, requested);
  return { ...scope, aggregatesOnly: true } as SummaryScope;
}

/** A stable key of a scope for audit entries and caching, e.g. `force`, `districts:bradford,leeds`. */
export function scopeKey(scope: SummaryScope): string {
  if (scope.kind === 'force') return 'force';
  if (scope.kind === 'districts') return `districts:${[...scope.districts].sort().join(',')}`;
  return `own:${scope.upn}${scope.districts ? `:${scope.districts.join(',')}` : ''}`;
}

/**
 * Need to know: the one rule that decides who may see and do what (docs/domain.md, "Who may see and
 * do what"). Pure: every command, card action, route and job asks these functions; services
 * enforce them with `allow`. A user may hold several roles; each grants its own rights, nothing
 * more (admin manages the roster and subscriptions and sees no occurrence data).
 */
import { ForbiddenError } from '../errors.js';

/** Roles (docs/domain.md "Who uses it"). */
export const ROLES = ['officer', 'supervisor', 'coordinator', 'manager', 'partner', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The roster district entry that means force-wide; an empty list means none. */
export const FORCE_WIDE = '*';

/** Whoever acts: a Teams user, or the system (imports, exports, jobs). */
export interface Actor {
  userId: string | null;
  /** Display name, for attribution on actions and reviews. */
  name: string;
  upn: string | null;
  roles: readonly string[];
  /** Roster districts as written; `*` means force-wide, empty means none. */
  districts: readonly string[];
  /** Audit actor label, e.g. `user:<uuid>` or `system:import`. */
  label: string;
}

/** An answer of the rule: allowed, or refused with what is missing (a sentence fragment, no occurrence data). */
export type Decision = { ok: true } | { ok: false; why: string };

const OK: Decision = { ok: true };
const no = (why: string): Decision => ({ ok: false, why });

/** Throws the refusal as a ForbiddenError (its message is `why`). */
export function allow(d: Decision): void {
  if (!d.ok) throw new ForbiddenError(d.why);
}

/** Whether the actor holds this role (no role implies another). */
export const holds = (a: Pick<Actor, 'roles'>, role: Role): boolean => a.roles.includes(role);

/** Whether the actor's roster districts cover `district` (case-insensitive; `*` covers all). */
export function covers(a: Pick<Actor, 'districts'>, district: string | null): boolean {
  if (a.districts.includes(FORCE_WIDE)) return true;
  if (district === null) return false;
  const d = district.toLowerCase();
  return a.districts.some((x) => x.toLowerCase() === d);
}

/** Whether the actor is force-wide. */
export const forceWide = (a: Pick<Actor, 'districts'>): boolean => a.districts.includes(FORCE_WIDE);

/** Whether the actor holds `role` for `district`. */
const roleFor = (a: Actor, role: Role, district: string | null) => holds(a, role) && covers(a, district);

const sameUpn = (a: Pick<Actor, 'upn'>, upn: string | null) => Boolean(a.upn && upn && a.upn.toLowerCase() === upn.toLowerCase());

/** Police roles: only these may be the OIC or supervisor the feed names (partners and admins never act on occurrences). */
const POLICE: readonly Role[] = ['officer', 'supervisor', 'coordinator', 'manager'];
const police = (a: Pick<Actor, 'roles'>) => POLICE.some((r) => holds(a, r));

/** Whether the actor is the person the feed names (OIC or supervisor), holding a police role. */
export const named = (a: Pick<Actor, 'upn' | 'roles'>, upn: string | null): boolean => police(a) && sameUpn(a, upn);

/** What the rule needs to know of an occurrence (no detail). */
export interface OccurrenceFacts {
  district: string;
  oicUpn: string | null;
  supervisorUpn: string | null;
}

/** Whether the actor may see any occurrence detail at all (police roles); partners and admins never. */
export function canSeeOccurrences(a: Pick<Actor, 'roles'>): Decision {
  return police(a)
    ? OK
    : no('occurrence details are for police users (the OIC, supervisors, coordinators and managers); ask the coordinator');
}

/**
 * Occurrence detail (review card, `review <ref>`, prompt card): the OIC and the supervisor the
 * feed names on it; a supervisor, coordinator or manager of its district. Partners and admins never.
 */
export function canSeeOccurrence(a: Actor, o: OccurrenceFacts): Decision {
  if (named(a, o.oicUpn) || named(a, o.supervisorUpn)) return OK;
  if ((['supervisor', 'coordinator', 'manager'] as const).some((r) => roleFor(a, r, o.district))) return OK;
  return no(`only the OIC, or a supervisor, coordinator or manager for ${o.district}, can see this occurrence`);
}

/** The HCC review: a coordinator of the occurrence's district. */
export function canSubmitReview(a: Pick<Actor, 'roles' | 'districts'>, o: Pick<OccurrenceFacts, 'district'>): Decision {
  return holds(a, 'coordinator') && covers(a, o.district) ? OK : no(`only a coordinator for ${o.district} can submit the HCC review`);
}

/** What the rule needs to know of a scheduled review (a prompt). */
export interface PromptFacts extends OccurrenceFacts {
  ownerRole: 'oic' | 'supervisor' | 'coordinator' | 'manager';
  /** Whether the prompt has gone past its owner (escalated to the supervisor or coordinators). */
  escalated: boolean;
}

/**
 * Answering a prompt: the OIC or supervisor it is addressed to (by UPN, holding a police role);
 * the supervisor an OIC's prompt was escalated to; a manager (inspector) of its district for
 * managers' prompts (the contact after a dissatisfied closure, seed 001 §2.2); a coordinator of its
 * district for coordinator prompts and escalated ones.
 */
export function canAnswerPrompt(a: Actor, p: PromptFacts): Decision {
  const addressed = p.ownerRole === 'oic' ? p.oicUpn : p.ownerRole === 'supervisor' ? p.supervisorUpn : null;
  if (named(a, addressed)) return OK;
  if (p.ownerRole === 'oic' && p.escalated && named(a, p.supervisorUpn)) return OK;
  if (p.ownerRole === 'manager' && roleFor(a, 'manager', p.district)) return OK;
  if (roleFor(a, 'coordinator', p.district) && (p.ownerRole === 'coordinator' || p.escalated)) return OK;
  const coordinatorPart = p.ownerRole === 'coordinator' || p.escalated ? `, or a coordinator for ${p.district},` : '';
  if (p.ownerRole === 'manager') return no(`only a manager (inspector) for ${p.district}${coordinatorPart} can answer this review`);
  return no(`only the person this review is addressed to${coordinatorPart} can answer it`);
}

/**
 * Subscribing a conversation to review cards: an admin for any district; a coordinator for
 * their districts. No district asked: the coordinator's districts (`*` only when force-wide).
 * @returns the subscription keys (`*` or district names) or the refusal
 */
export function subscriptionFor(
  a: Pick<Actor, 'roles' | 'districts'>,
  district: string | null,
): { ok: true; districts: string[] } | { ok: false; why: string } {
  if (holds(a, 'admin')) return { ok: true, districts: [district ?? FORCE_WIDE] };
  if (!holds(a, 'coordinator'))
    return no('only a coordinator (or an admin) can make a conversation a review channel') as { ok: false; why: string };
  if (district !== null)
    return covers(a, district)
      ? { ok: true, districts: [district] }
      : { ok: false, why: `only a coordinator for ${district} can subscribe a conversation to it` };
  if (forceWide(a)) return { ok: true, districts: [FORCE_WIDE] };
  if (a.districts.length === 0)
    return { ok: false, why: 'you have no districts on the roster, so there is nothing to subscribe to; ask an admin' };
  return { ok: true, districts: [...a.districts] };
}

/** Stopping review cards: an admin, or a coordinator covering every district the conversation receives. */
export function canUnsubscribe(a: Actor, subscribed: readonly string[]): Decision {
  if (holds(a, 'admin')) return OK;
  if (!holds(a, 'coordinator')) return no('only a coordinator (or an admin) can stop review cards in a conversation');
  const outside = subscribed.filter((d) => (d === FORCE_WIDE ? !forceWide(a) : !covers(a, d)));
  return outside.length
    ? no(
        `this conversation also receives ${outside.map((d) => (d === FORCE_WIDE ? 'every district' : d)).join(', ')}, which only a coordinator for ${outside.length === 1 ? 'it' : 'them'} can stop`,
      )
    : OK;
}

/** What the rule needs to know of a delivery-plan action. */
export interface ActionFacts {
  ref: string;
  ownerUserId: string | null;
  ownerUpn: string | null;
  /** Null: a force-level action. */
  district?: string | null;
  /** Who answers for it (db/actions/contacts.ts): the holder, or an agency's named contacts (from the roster's agency column). */
  contacts?: readonly { userId: string | null; upn: string | null }[];
}

/**
 * Whether the actor holds the action: the person, the agency's named contact for it, or (an
 * agency with none named for it) a roster contact of the agency, partners included (issue 13 item 1).
 */
export function isHolder(a: Pick<Actor, 'userId' | 'upn'>, action: Pick<ActionFacts, 'ownerUserId' | 'ownerUpn' | 'contacts'>): boolean {
  const same = (userId: string | null, upn: string | null) => Boolean((a.userId && a.userId === userId) || sameUpn(a, upn));
  return same(action.ownerUserId, action.ownerUpn) || (action.contacts ?? []).some((c) => same(c.userId, c.upn));
}

/** A coordinator (or manager) of the action's district; force-level actions need any district. */
const planRole = (a: Actor, role: Role, district: string | null | undefined) =>
  holds(a, role) && (district ? covers(a, district) : a.districts.length > 0);

/** Assigning actions: a coordinator with districts (the plan is theirs). */
export function canAssignActions(a: Actor, district: string | null = null): Decision {
  return planRole(a, 'coordinator', district)
    ? OK
    : no(`only a coordinator${district ? ` for ${district}` : ''} can assign delivery-plan actions`);
}

/** Updating an action (text or status): its holder (for an agency, its named contacts), or a coordinator. Admins hold no plan rights. */
export function canUpdateAction(a: Actor, action: ActionFacts): Decision {
  if (isHolder(a, action) && !(a.roles.length === 1 && holds(a, 'admin'))) return OK;
  return planRole(a, 'coordinator', action.district) ? OK : no(`only the holder of ${action.ref} or a coordinator can update it`);
}

/** Re-assigning or changing the pillar: a coordinator. */
export function canReorganiseAction(a: Actor, action: ActionFacts, what: 'pillar' | 'holder' = 'pillar'): Decision {
  return planRole(a, 'coordinator', action.district) ? OK : no(`only a coordinator can change the ${what} of ${action.ref}`);
}

/** Discharging: the tactical lead (a manager). */
export function canDischargeAction(a: Actor, action: ActionFacts): Decision {
  return planRole(a, 'manager', action.district) ? OK : no('only the tactical lead (a manager) can discharge an action');
}

/** Seeing one action: its holder, a coordinator or a manager. */
export function canSeeAction(a: Actor, action: ActionFacts): Decision {
  if (isHolder(a, action)) return OK;
  return planRole(a, 'coordinator', action.district) || planRole(a, 'manager', action.district)
    ? OK
    : no(`${action.ref} is not one of your actions`);
}

/** The whole plan (lists other than `mine`): coordinators and managers. */
export function canSeePlan(a: Actor): Decision {
  return planRole(a, 'coordinator', null) || planRole(a, 'manager', null) ? OK : no('the whole plan is for coordinators and managers');
}

/** Scheduling meetings: a coordinator. */
export function canScheduleMeetings(a: Actor): Decision {
  return planRole(a, 'coordinator', null) ? OK : no('only a coordinator can schedule meetings');
}

/** Meeting packs: coordinators and managers. */
export function canMeetingPack(a: Actor): Decision {
  return planRole(a, 'coordinator', null) || planRole(a, 'manager', null) ? OK : no('meeting packs are for coordinators and managers');
}

/** The meeting calendar: every partnership member (not an admin-only user). */
export function canSeeMeetings(a: Actor): Decision {
  return (['officer', 'supervisor', 'coordinator', 'manager', 'partner'] as const).some((r) => holds(a, r))
    ? OK
    : no('the meeting calendar is for partnership members');
}

/**
 * `digest now` (issue 12, item 7): a coordinator only. In a review channel, for the districts it
 * receives, which the coordinator must cover (as for `unsubscribe`); in a personal chat, for the
 * coordinator's own districts (none on the roster: refused).
 * @param channelDistricts the channel's subscriptions (`*` for all), or null in a personal chat
 * @returns the digest's districts (null: all) or the refusal
 */
export function digestScopeFor(
  a: Pick<Actor, 'roles' | 'districts'>,
  channelDistricts: readonly string[] | null,
): { ok: true; districts: string[] | null } | { ok: false; why: string } {
  if (!holds(a, 'coordinator')) return { ok: false, why: 'only a coordinator can ask for the digest' };
  if (channelDistricts === null) {
    if (forceWide(a)) return { ok: true, districts: null };
    if (a.districts.length === 0)
      return { ok: false, why: 'you have no districts on the roster, so there is no digest for you; ask an admin' };
    return { ok: true, districts: [...a.districts] };
  }
  const outside = channelDistricts.filter((d) => (d === FORCE_WIDE ? !forceWide(a) : !covers(a, d)));
  if (outside.length)
    return {
      ok: false,
      why: `this channel receives ${outside.map((d) => (d === FORCE_WIDE ? 'every district' : d)).join(', ')}, whose digest only a coordinator for ${outside.length === 1 ? 'it' : 'them'} can ask for`,
    };
  return { ok: true, districts: channelDistricts.includes(FORCE_WIDE) ? null : [...channelDistricts] };
}

/** The system's own actor for imports and exports: force-wide coordinator and manager, audited under `label`. */
export const systemActor = (name: string, label: string): Actor => ({
  userId: null,
  name,
  upn: null,
  roles: ['coordinator', 'manager'],
  districts: [FORCE_WIDE],
  label,
});

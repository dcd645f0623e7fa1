/**
 * Who owns a scheduled review and where its prompt goes when the owner cannot be reached: the
 * one rule, pure (no I/O), asked by the sweep, the access facts of a prompt, the outbox's reroute
 * and the prompt card (issue 3; docs/domain.md "Review cadence").
 */

/** Who a scheduled review is for (schedule.policy.ts REVIEW_RULES `owner`). */
export type PromptOwnerRole = 'oic' | 'supervisor' | 'coordinator' | 'manager';

/** The occurrence's people, as the feed gave them (names may be missing; UPNs too). */
export interface OccurrencePeople {
  oic_upn: string | null;
  oic_name: string | null;
  supervisor_upn: string | null;
  supervisor_name: string | null;
  district: string;
}

/** The UPN of the person who owns a review of `role` (null for the coordinators and managers, who are a role of the district, not a person). */
export function ownerUpn(role: string, occ: Pick<OccurrencePeople, 'oic_upn' | 'supervisor_upn'>): string | null {
  return role === 'oic' ? occ.oic_upn : role === 'supervisor' ? occ.supervisor_upn : null;
}

/** How a prompt names its owner: "PC Name (OIC)", "Sgt Name (supervisor)", "Inspector (manager), <district>" or "Hate Crime Coordinator, <district>". */
export function ownerLabel(role: string, occ: OccurrencePeople): string {
  if (role === 'oic') return `${occ.oic_name ?? occ.oic_upn ?? 'not recorded'} (OIC)`;
  if (role === 'supervisor') return `${occ.supervisor_name ?? occ.supervisor_upn ?? 'not recorded'} (supervisor)`;
  if (role === 'manager') return `Inspector (manager), ${occ.district}`;
  return `Hate Crime Coordinator, ${occ.district}`;
}

/** One recipient of a prompt; `unreachable` marks a copy that went to a review channel because its owner could not be reached. */
export interface PromptTarget {
  conversationId: string;
  unreachable: boolean;
}

/**
 * The unreachable-owner fallback: a prompt goes to its owners' personal chats (`user:<id>`); when
 * none of them can be reached in Teams (no Teams account known, or the chat refused the bot), it
 * goes to the district's review channels instead, marked unreachable so the coordinators chase it.
 * @param reachable user ids of the owners the bot can message
 * @param reviewChannels conversation ids of the district's review channels
 */
export function promptTargets(reachable: readonly string[], reviewChannels: readonly string[]): PromptTarget[] {
  if (reachable.length) return reachable.map((u) => ({ conversationId: `user:${u}`, unreachable: false }));
  return reviewChannels.map((c) => ({ conversationId: c, unreachable: true }));
}

/**
 * Whether a prompt's owner is unreachable, so that its prompt went to the review channel and the
 * district's coordinators may answer it (db/access canAnswerPrompt `escalated`). The coordinators'
 * own prompts are always theirs to answer.
 */
export function ownerUnreachable(role: string, reachable: readonly string[]): boolean {
  return role !== 'coordinator' && reachable.length === 0;
}

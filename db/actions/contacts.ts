import { sql } from 'kysely';
import type { Db } from '../schema.js';
import type { ActionContact } from './actions.model.js';

/**
 * The agencies an owner names: plans write joint owners as `TVP / LAs`, `OCC, TVP` or `TVP & OCC`
 * (seed 004), so each part is an agency of its own. Lower case, trimmed.
 */
export function agencyParts(owner: string): string[] {
  return owner
    .split(/\s*(?:\/|,|&|\+|\band\b)\s*/i)
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
}

/** Roster contacts by agency (lower case), for the agencies the owners name. */
export async function rosterContacts(db: Db, owners: readonly string[]): Promise<Map<string, ActionContact[]>> {
  const parts = [...new Set(owners.flatMap(agencyParts))];
  const out = new Map<string, ActionContact[]>();
  if (parts.length === 0) return out;
  const rows = await db
    .selectFrom('users')
    .select(['id', 'upn', 'name', 'teams_id', sql<string>`lower(agency)`.as('agency')])
    .where('on_roster', '=', true)
    .where(sql`lower(agency)`, 'in', parts)
    .orderBy('name')
    .execute();
  for (const r of rows)
    out.set(r.agency, [...(out.get(r.agency) ?? []), { userId: r.id, upn: r.upn, name: r.name, inTeams: Boolean(r.teams_id) }]);
  return out;
}

/**
 * Who answers for an action (issue 13 item 1): a person-held action's holder; an agency's named
 * contact for this action when one is set (`contact` in the plan CSV, `action REF holder agency A
 * contact @person`), else every roster user listed with one of the agencies the owner names.
 * Empty: nobody to ask, so the coordinator stands in.
 */
export function contactsOf(
  a: { ownerKind: 'person' | 'agency'; ownerAgency: string | null; ownerUpn: string | null },
  holder: ActionContact | null,
  roster: ReadonlyMap<string, readonly ActionContact[]>,
): ActionContact[] {
  if (holder) return [holder];
  // A person (or named contact) the bot does not know yet: still theirs, not the agency's.
  if (a.ownerUpn) return [{ userId: null, upn: a.ownerUpn, name: a.ownerUpn, inTeams: false }];
  if (a.ownerKind === 'person' || !a.ownerAgency) return [];
  const seen = new Set<string>();
  return agencyParts(a.ownerAgency)
    .flatMap((p) => roster.get(p) ?? [])
    .filter((c) => !seen.has(c.userId!) && seen.add(c.userId!));
}

import { sql } from 'kysely';
import { covers } from '../access/access.policy.js';
import type { Db } from '../schema.js';

/**
 * Users (with a Teams id) a prompt can reach: the person holding `upn` (an OIC or supervisor), or
 * the district's managers (the owners of an inspector's contact). Coordinators need no look-up here:
 * their prompts are never unreachable (owner.policy.ts ownerUnreachable).
 */
export async function reachableUsers(db: Db, who: { upn: string | null } | { managersOf: string }): Promise<string[]> {
  if ('upn' in who) {
    if (!who.upn) return [];
    const u = await db
      .selectFrom('users')
      .select('id')
      .where('upn', '=', who.upn.toLowerCase())
      .where('teams_id', 'is not', null)
      .executeTakeFirst();
    return u ? [u.id] : [];
  }
  const rows = await db
    .selectFrom('users')
    .select(['id', 'districts'])
    .where('teams_id', 'is not', null)
    .where(sql<boolean>`'manager' = any(roles)`)
    .execute();
  // Need to know: only managers whose roster covers the district (`*` force-wide; empty none).
  return rows.filter((r) => covers(r, who.managersOf)).map((r) => r.id);
}

import { sql } from 'kysely';
import { covers } from '../access/access.policy.js';
import type { Db } from '../schema.js';

/** Users (with a Teams id) who hold `upn`, or who coordinate (or manage: `managersOf`) the district. */
export async function reachableUsers(
  db: Db,
  who: { upn?: string | null; coordinatorsOf?: string; managersOf?: string },
): Promise<string[]> {
  if (who.upn) {
    const u = await db
      .selectFrom('users')
      .select('id')
      .where('upn', '=', who.upn.toLowerCase())
      .where('teams_id', 'is not', null)
      .executeTakeFirst();
    return u ? [u.id] : [];
  }
  const of = who.coordinatorsOf ?? who.managersOf;
  if (of) {
    const district = of.toLowerCase();
    const role = who.coordinatorsOf ? 'coordinator' : 'manager';
    const rows = await db
      .selectFrom('users')
      .select(['id', 'districts'])
      .where('teams_id', 'is not', null)
      .where(sql<boolean>`${role}::text = any(roles)`)
      .execute();
    // Need to know: only those whose roster covers the district (`*` force-wide; empty none).
    return rows.filter((r) => covers(r, district)).map((r) => r.id);
  }
  return [];
}

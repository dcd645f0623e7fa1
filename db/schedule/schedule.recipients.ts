import { sql } from 'kysely';
import { covers } from '../access/access.policy.js';
import type { Db } from '../schema.js';

/** Users (with a Teams id) who hold `upn`, or who coordinate the district. */
export async function reachableUsers(db: Db, who: { upn?: string | null; coordinatorsOf?: string }): Promise<string[]> {
  if (who.upn) {
    const u = await db
      .selectFrom('users')
      .select('id')
      .where('upn', '=', who.upn.toLowerCase())
      .where('teams_id', 'is not', null)
      .executeTakeFirst();
    return u ? [u.id] : [];
  }
  if (who.coordinatorsOf) {
    const district = who.coordinatorsOf.toLowerCase();
    const rows = await db
      .selectFrom('users')
      .select(['id', 'districts'])
      .where('teams_id', 'is not', null)
      .where(sql<boolean>`'coordinator' = any(roles)`)
      .execute();
    // Need to know: only coordinators whose roster covers the district (`*` force-wide; empty none).
    return rows.filter((r) => covers(r, district)).map((r) => r.id);
  }
  return [];
}

import { sql } from 'kysely';
import { FORCE_WIDE } from '../access/access.policy.js';
import type { Db } from '../schema.js';

/**
 * The district a delivery-plan action belongs to (issue 10 item 8), from what the plan says of
 * its holder (the person, or an agency's named contact): their roster district when they are on
 * the roster with exactly one district other than `*`; otherwise null, a force-wide action.
 * Meetings belong to no district (one series per kind for the force), so being raised at one
 * does not place an action. Set when an action is assigned, imported, or its holder changes;
 * the migration 2026-11-29T02 applies the same rule to existing actions.
 * Access (db/access): a district action is coordinated by that district's coordinators, a
 * force-wide one by any coordinator; summaries (db/summary/scope.sql.ts) count a district's
 * actions plus force-wide ones.
 */
export async function holderDistrict(db: Db, holder: { userId: string | null; upn: string | null }): Promise<string | null> {
  if (!holder.userId && !holder.upn) return null;
  const row = await db
    .selectFrom('users')
    .select('districts')
    .where('on_roster', '=', true)
    .where((eb) => (holder.userId ? eb('id', '=', holder.userId) : eb(sql`lower(upn)`, '=', holder.upn!.toLowerCase())))
    .executeTakeFirst();
  const only = row?.districts.length === 1 ? row.districts[0]! : null;
  return only && only !== FORCE_WIDE ? only : null;
}

import { sql } from 'kysely';
import { covers } from '../access/access.policy.js';
import { reviewChannelsByDistrict } from '../conversations/conversations.service.js';
import type { OccurrenceRow } from '../occurrences/occurrences.table.js';
import type { Db } from '../schema.js';
import type { StepName } from './schedule.steps.js';
import type { ScheduledReviewRow } from './schedule.table.js';

/** Users (with a Teams id) who hold `upn`, or who coordinate the district. */
export async function reachableUsers(db: Db, who: { upn?: string | null; coordinatorsOf?: string }): Promise<string[]> {
  if (who.upn) {
    const u = await db.selectFrom('users').select('id').where('upn', '=', who.upn.toLowerCase()).where('teams_id', 'is not', null).executeTakeFirst();
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

/**
 * Where a review step goes: the owner's (or, escalated, the supervisor's or coordinators')
 * personal chats; when none of them can be reached in Teams, the district's review channels,
 * marked `unreachable`. The final escalation goes to the review channels as such.
 */
export async function promptTargets(trx: Db, r: ScheduledReviewRow, occ: OccurrenceRow, event: StepName): Promise<{ conversationId: string; unreachable: boolean }[]> {
  const channels = async (unreachable: boolean) => ((await reviewChannelsByDistrict(trx, [occ.district])).get(occ.district) ?? []).map((c) => ({ conversationId: c, unreachable }));
  let users: string[] = [];
  if (event === 'escalate_channel') return channels(false);
  if (event === 'escalate_supervisor') {
    users = r.owner_role === 'oic' ? await reachableUsers(trx, { upn: occ.supervisor_upn }) : await reachableUsers(trx, { coordinatorsOf: occ.district });
  } else {
    const upn = r.owner_role === 'oic' ? occ.oic_upn : r.owner_role === 'supervisor' ? occ.supervisor_upn : null;
    users = r.owner_role === 'coordinator' ? await reachableUsers(trx, { coordinatorsOf: occ.district }) : await reachableUsers(trx, { upn });
  }
  return users.length ? users.map((u) => ({ conversationId: `user:${u}`, unreachable: false })) : channels(true);
}

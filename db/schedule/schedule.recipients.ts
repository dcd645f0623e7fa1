import { sql } from 'kysely';
import { covers } from '../access/access.policy.js';
import { reviewChannelsByDistrict } from '../conversations/conversations.service.js';
import type { OccurrenceRow } from '../occurrences/occurrences.table.js';
import type { Db } from '../schema.js';
import type { StepName } from './schedule.steps.js';
import type { ScheduledReviewRow } from './schedule.table.js';
import { ownerUpn, promptTargets as fallback, type PromptTarget } from './owner.policy.js';

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

/**
 * Where a review step goes: the owner's (or, escalated, the supervisor's or coordinators')
 * personal chats; when none of them can be reached in Teams, the district's review channels,
 * marked `unreachable`. The final escalation goes to the review channels as such.
 */
export async function promptTargets(trx: Db, r: ScheduledReviewRow, occ: OccurrenceRow, event: StepName): Promise<PromptTarget[]> {
  const channels = async () => (await reviewChannelsByDistrict(trx, [occ.district])).get(occ.district) ?? [];
  if (event === 'escalate_channel') return (await channels()).map((c) => ({ conversationId: c, unreachable: false }));
  let users: string[];
  if (event === 'escalate_supervisor') {
    users =
      r.owner_role === 'oic'
        ? await reachableUsers(trx, { upn: occ.supervisor_upn })
        : await reachableUsers(trx, { coordinatorsOf: occ.district });
  } else {
    users =
      r.owner_role === 'coordinator'
        ? await reachableUsers(trx, { coordinatorsOf: occ.district })
        : await reachableUsers(trx, { upn: ownerUpn(r.owner_role, occ) });
  }
  // The unreachable-owner fallback lives once, in owner.policy.ts.
  return fallback(users, users.length ? [] : await channels());
}

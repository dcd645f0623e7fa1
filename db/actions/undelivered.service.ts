import { sql } from 'kysely';
import { covers } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { enqueueMessages, type ActionBatchPayload } from '../outbox/outbox.service.js';
import type { Db } from '../schema.js';
import { reminderPlan, type ReminderConfig } from './reminder-batch.js';

const KIND_WORDS = { update_request: 'update request', nudge: 'update reminder', overdue: 'overdue chase' } as const;

/**
 * A person's reminder card that Teams refused to deliver (403: the bot cannot write to their chat)
 * reaches the coordinators instead (issue 13 item 2: the coordinator learns what could not be
 * delivered): one note to the personal chat of every coordinator in Teams who coordinates one of
 * the card's actions (a district's, or any coordinator for a force-wide action), naming the person
 * and the refs, so the coordinator obtains the updates. The refs are those the card would list now.
 * Queued in the caller's transaction under keys derived from the refused message's, so a second
 * refusal of the same message queues nothing more; audited with the refs.
 * @returns how many notes were newly queued (0 for the coordinator's own copy, or when nothing is left to ask)
 */
export async function queueUndeliveredReminder(
  trx: Db,
  refused: { dedupeKey: string; payload: ActionBatchPayload },
  cfg: ReminderConfig,
  now: Date,
): Promise<number> {
  const p = refused.payload;
  if (p.coordinator || !p.recipientUserId) return 0;
  const plan = await reminderPlan(trx, { kind: p.kind, meetingId: p.meetingId }, cfg, now);
  const mine = plan.byPerson.get(p.recipientUserId);
  if (!mine || mine.actions.length === 0) return 0;
  const coordinators = await trx
    .selectFrom('users')
    .select(['id', 'districts'])
    .where('teams_id', 'is not', null)
    .where(sql<boolean>`'coordinator' = any(roles)`)
    .where('id', '<>', p.recipientUserId)
    .execute();
  // Need to know: a coordinator hears of the actions they coordinate (db/actions/districts.ts).
  const to = coordinators.filter((c) => mine.actions.some((a) => a.district === null || covers(c, a.district)));
  const refs = mine.actions.map((a) => a.ref);
  const text =
    `Could not deliver the ${KIND_WORDS[p.kind]} card to ${mine.name}: Teams refused the bot's message to their chat. ` +
    `${refs.length === 1 ? 'The action' : 'The actions'} it asked about: ${refs.join(', ')}. Please obtain the update${refs.length === 1 ? '' : 's'} and record ${refs.length === 1 ? 'it' : 'them'} here (\`action REF update …\`).`;
  const queued = await enqueueMessages(
    trx,
    to.map((c) => ({
      dedupeKey: `${refused.dedupeKey}:undelivered:user:${c.id}`,
      conversationId: `user:${c.id}`,
      payload: { type: 'text' as const, text },
    })),
    now,
  );
  await recordAudit(trx, {
    actor: 'system:outbox',
    action: 'action.reminder_undelivered',
    entityType: 'action',
    entityId: '*',
    details: { key: refused.dedupeKey, recipientUserId: p.recipientUserId, refs, coordinators: to.map((c) => c.id) },
  });
  return queued;
}

import { allow, canScheduleMeetings } from '../access/access.policy.js';
import { type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import { ValidationError } from '../errors.js';
import type { Database } from '../schema.js';
import { withRetry } from '../transactions.js';
import type { ActionActor } from '../actions/actions.model.js';
import { DEFAULT_RECURRENCE, type MeetingKind, type Recurrence } from './meetings.model.js';
import { queueActionReminders, type ReminderConfig, type ReminderCounts } from '../actions/reminders.service.js';
import { toMeeting, type Meeting } from './meetings.series.js';

export { MEETING_KINDS, MEETING_TITLES, type MeetingKind, type Recurrence } from './meetings.model.js';
export {
  extendSeries,
  nextInSeries,
  nextMeeting,
  previousMeeting,
  RECURRENCE_MONTHS,
  seriesStart,
  toMeeting,
  upcomingMeetings,
  type Meeting,
} from './meetings.series.js';

/** What `meeting schedule` asks for. */
export interface ScheduleMeetingInput {
  kind: MeetingKind;
  startsAt: Date;
  /** null: the kind's default (tactical monthly, strategic quarterly, case management monthly, scrutiny once). */
  recurrence: Recurrence | null;
  conversationId: string | null;
  actor: ActionActor;
  now: Date;
  /** The reminder rules (MEETING_UPDATE_DAYS, MEETING_NUDGE_DAYS): a meeting within the update window prompts at once. */
  reminders: ReminderConfig;
}

/**
 * Schedules a meeting and its series; it replaces the kind's current series (meetings of that
 * kind not yet held are removed, earlier series end). Holders' update prompts follow from the
 * reminder rules: the reminder run follows once the meeting is saved, so a meeting a week
 * ahead prompts at once rather than at the next 09:00 run. Audited.
 * @throws ForbiddenError unless a coordinator; ValidationError for a time already passed
 */
export async function scheduleMeeting(
  conn: Kysely<Database>,
  input: ScheduleMeetingInput,
): Promise<{ meeting: Meeting; replaced: number; reminders: ReminderCounts }> {
  allow(canScheduleMeetings(input.actor));
  if (input.startsAt <= input.now)
    throw new ValidationError('the meeting time has passed', [{ path: 'startsAt', message: 'choose a time in the future' }]);
  const recurrence = input.recurrence ?? DEFAULT_RECURRENCE[input.kind];
  const saved = await withRetry(() =>
    conn.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom('meetings')
        .where('kind', '=', input.kind)
        .where('starts_at', '>', input.now)
        .where('pack_posted_at', 'is', null)
        .returning('id')
        .execute();
      await trx.updateTable('meetings').set({ recurrence: 'once' }).where('kind', '=', input.kind).execute();
      const row = await trx
        .insertInto('meetings')
        .values({
          kind: input.kind,
          starts_at: input.startsAt,
          recurrence,
          series_id: null,
          conversation_id: input.conversationId,
          created_by: input.actor.userId,
          pack_posted_at: null,
          prompts_sent_at: null,
          created_at: input.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const meeting = await trx
        .updateTable('meetings')
        .set({ series_id: row.id })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        actor: input.actor.label,
        action: 'meeting.scheduled',
        entityType: 'meeting',
        entityId: row.id,
        details: {
          kind: input.kind,
          startsAt: input.startsAt.toISOString(),
          recurrence,
          replaced: removed.map((r) => r.id),
          conversationId: input.conversationId,
        },
      });
      return { meeting: toMeeting(meeting), replaced: removed.length };
    }),
  );
  return { ...saved, reminders: await queueActionReminders(conn, input.reminders, input.now) };
}

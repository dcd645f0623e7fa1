import { type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Database, Db } from '../schema.js';
import { ZONE } from '../time/london-time.js';
import type { MeetingKind, Recurrence } from './meetings.model.js';
import type { MeetingRow } from './meetings.table.js';

// Meetings and their series as stored: read by the meetings service, the pack and the action
// reminders (which is why they are not in meetings.service.ts: that service queues reminders).

/** A partnership meeting. */
export interface Meeting {
  id: string;
  kind: MeetingKind;
  startsAt: Date;
  recurrence: Recurrence;
  /** The id of the series' first meeting (null: a one-off). */
  seriesId: string | null;
  conversationId: string | null;
  packPostedAt: Date | null;
  promptsSentAt: Date | null;
}

/** Maps a meetings row. */
export const toMeeting = (r: MeetingRow): Meeting => ({
  id: r.id,
  kind: r.kind as MeetingKind,
  startsAt: r.starts_at,
  recurrence: (r.recurrence ?? 'once') as Recurrence,
  seriesId: r.series_id,
  conversationId: r.conversation_id,
  packPostedAt: r.pack_posted_at,
  promptsSentAt: r.prompts_sent_at,
});

/** Months between meetings of a recurrence (0: once). */
export const RECURRENCE_MONTHS: Record<Recurrence, number> = { monthly: 1, quarterly: 3, once: 0 };

/**
 * The series' first meeting after `after`: the first meeting's London wall-clock time, a whole
 * number of 1 or 3 calendar months on from it (day clamped to the month's end). Counted from the
 * first meeting, so a series on the 31st goes 31 Jan, 28 Feb, 31 Mar, not on the 28th for good.
 */
export function nextInSeries(after: Date, recurrence: Recurrence, first: Date = after): Date | null {
  const months = RECURRENCE_MONTHS[recurrence];
  if (!months) return null;
  const anchor = DateTime.fromJSDate(first).setZone(ZONE);
  for (let n = 1; n <= 1200; n++) {
    const at = anchor.plus({ months: n * months }).toJSDate();
    if (at > after) return at;
  }
  return null;
}

/** When a meeting's series began (the series is named by its first meeting's id). */
export async function seriesStart(db: Db, m: Pick<MeetingRow, 'series_id' | 'starts_at'>): Promise<Date> {
  if (!m.series_id) return m.starts_at;
  const first = await db.selectFrom('meetings').select('starts_at').where('id', '=', m.series_id).executeTakeFirst();
  return first?.starts_at ?? m.starts_at;
}

/**
 * Extends every recurring series so that its latest meeting is in the future (lazily, at most
 * 36 steps per series). Idempotent across replicas (unique series_id + starts_at).
 */
export async function extendSeries(db: Db, now: Date): Promise<void> {
  const latest = await db
    .selectFrom('meetings as m')
    .selectAll()
    .where('m.recurrence', 'in', ['monthly', 'quarterly'])
    .where('m.starts_at', '=', (eb) =>
      eb
        .selectFrom('meetings as x')
        .select((x) => x.fn.max('x.starts_at').as('s'))
        .whereRef('x.series_id', '=', 'm.series_id'),
    )
    .where('m.starts_at', '<=', now)
    .execute();
  for (const m of latest) {
    const first = await seriesStart(db, m);
    let at: Date | null = m.starts_at;
    for (let i = 0; i < 36 && at && at <= now; i++) {
      at = nextInSeries(at, m.recurrence as Recurrence, first);
      if (!at) break;
      await db
        .insertInto('meetings')
        .values({
          kind: m.kind,
          starts_at: at,
          recurrence: m.recurrence,
          series_id: m.series_id,
          conversation_id: m.conversation_id,
          created_by: m.created_by,
          pack_posted_at: null,
          prompts_sent_at: null,
        })
        .onConflict((oc) => oc.columns(['series_id', 'starts_at']).doNothing())
        .execute();
    }
  }
}

/** The next meeting of a kind after `now` (series extended first), or null. */
export async function nextMeeting(db: Db, kind: MeetingKind, now: Date): Promise<Meeting | null> {
  await extendSeries(db, now);
  const r = await db
    .selectFrom('meetings')
    .selectAll()
    .where('kind', '=', kind)
    .where('starts_at', '>', now)
    .orderBy('starts_at')
    .executeTakeFirst();
  return r ? toMeeting(r) : null;
}

/** The latest meeting of a kind that started before `before`, or null. */
export async function previousMeeting(db: Db, kind: MeetingKind, before: Date): Promise<Meeting | null> {
  const r = await db
    .selectFrom('meetings')
    .selectAll()
    .where('kind', '=', kind)
    .where('starts_at', '<', before)
    .orderBy('starts_at', 'desc')
    .executeTakeFirst();
  return r ? toMeeting(r) : null;
}

/** The next meeting of every kind that has one. */
export async function upcomingMeetings(conn: Kysely<Database>, now: Date): Promise<Meeting[]> {
  return conn.transaction().execute(async (trx) => {
    await extendSeries(trx, now);
    const rows = await trx.selectFrom('meetings').selectAll().where('starts_at', '>', now).orderBy('starts_at').execute();
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(r.kind) && seen.add(r.kind)).map(toMeeting);
  });
}

import { sql } from 'kysely';
import type { Db } from '../schema.js';
import type { Action, ActionStatus, ActionUpdate, PillarOrNone } from './actions.model.js';
import { contactsOf, rosterContacts } from './contacts.js';

/** Row of the base query: the action with its holder's name and Teams id. */
interface JoinedRow {
  id: string;
  ref: string;
  objective: string | null;
  text: string;
  pillar: string;
  owner_kind: 'person' | 'agency';
  owner_upn: string | null;
  owner_user_id: string | null;
  owner_agency: string | null;
  status: string;
  due: string | null;
  district: string | null;
  raised_at_meeting_id: string | null;
  created_by: string | null;
  updated_at: Date;
  holder_name: string | null;
  holder_teams_id: string | null;
  holder_user_id: string | null;
}

const toAction = (r: JoinedRow): Omit<Action, 'contacts'> => ({
  id: r.id,
  ref: r.ref,
  objective: r.objective,
  text: r.text,
  pillar: r.pillar as PillarOrNone,
  ownerKind: r.owner_kind,
  ownerUpn: r.owner_upn,
  ownerUserId: r.owner_user_id,
  ownerAgency: r.owner_agency,
  holderName: r.holder_name,
  holderInTeams: Boolean(r.holder_teams_id),
  holderUserId: r.holder_user_id,
  status: r.status as ActionStatus,
  dueDate: r.due,
  district: r.district,
  raisedAtMeetingId: r.raised_at_meeting_id,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
});

/** Actions with their holder (by user id, else by UPN); `due_date` read as text (pg and PGlite parse dates differently). */
export function actionsQuery(db: Db) {
  return db
    .selectFrom('actions as a')
    .leftJoin('users as u', (j) =>
      j.on((eb) =>
        eb.or([
          eb('u.id', '=', eb.ref('a.owner_user_id')),
          eb.and([eb('a.owner_user_id', 'is', null), eb('u.upn', '=', eb.ref('a.owner_upn'))]),
        ]),
      ),
    )
    .select([
      'a.id',
      'a.ref',
      'a.objective',
      'a.text',
      'a.pillar',
      'a.owner_kind',
      'a.owner_upn',
      'a.owner_user_id',
      'a.owner_agency',
      'a.status',
      'a.district',
      'a.raised_at_meeting_id',
      'a.created_by',
      'a.updated_at',
      'u.name as holder_name',
      'u.teams_id as holder_teams_id',
      'u.id as holder_user_id',
      sql<string | null>`to_char(a.due_date, 'YYYY-MM-DD')`.as('due'),
    ]);
}

/**
 * Runs an actions query and maps the rows, with each action's contacts (contacts.ts): its named
 * contact, else the roster's contacts of its agency (read through `db`). Every caller gets them, so
 * the access rule, reminders, search and the pack agree on who answers for an action.
 */
export async function fetchActions(q: ReturnType<typeof actionsQuery>, db: Db): Promise<Action[]> {
  const rows = (await q.execute()) as JoinedRow[];
  const agencies = rows.filter((r) => r.owner_kind === 'agency' && !r.owner_upn && !r.owner_user_id && r.owner_agency);
  const roster = agencies.length
    ? await rosterContacts(
        db,
        agencies.map((r) => r.owner_agency!),
      )
    : new Map();
  return rows.map((r) => {
    const holder = r.holder_user_id
      ? { userId: r.holder_user_id, upn: r.owner_upn, name: r.holder_name ?? r.owner_upn ?? 'unknown', inTeams: Boolean(r.holder_teams_id) }
      : null;
    const a = toAction(r);
    return { ...a, contacts: contactsOf(a, holder, roster) };
  });
}

/** One action by canonical reference (case-insensitive), or null. */
export async function findByRef(db: Db, ref: string): Promise<Action | null> {
  const [a] = await fetchActions(actionsQuery(db).where(sql`lower(a.ref)`, '=', ref.toLowerCase()), db);
  return a ?? null;
}

/** One action by id, or null. */
export async function findById(db: Db, id: string): Promise<Action | null> {
  const [a] = await fetchActions(actionsQuery(db).where('a.id', '=', id), db);
  return a ?? null;
}

/** Locks an action row for the rest of the transaction. */
export async function lockAction(db: Db, id: string): Promise<void> {
  await db.selectFrom('actions').select('id').where('id', '=', id).forUpdate().execute();
}

/** Updates of the given actions, newest first, keyed by action id. */
export async function updatesFor(db: Db, ids: readonly string[]): Promise<Map<string, ActionUpdate[]>> {
  const out = new Map<string, ActionUpdate[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('action_updates')
    .select([
      'id',
      'action_id',
      'text',
      'status_from',
      'status_to',
      'author_name',
      'created_at',
      'imported',
      'revised_at',
      sql<string | null>`to_char(update_date, 'YYYY-MM-DD')`.as('date'),
    ])
    .where('action_id', 'in', [...ids])
    // Undated (imported) entries are the oldest: after every dated one.
    .orderBy(sql`update_date desc nulls last`)
    .orderBy('created_at', 'desc')
    .execute();
  for (const r of rows) {
    const u: ActionUpdate = {
      id: r.id,
      date: r.date ?? '',
      undated: r.date === null,
      imported: r.imported,
      revisedAt: r.revised_at,
      text: r.text,
      statusFrom: r.status_from as ActionStatus | null,
      statusTo: r.status_to as ActionStatus | null,
      authorName: r.author_name,
      at: r.created_at,
    };
    out.set(r.action_id, [...(out.get(r.action_id) ?? []), u]);
  }
  return out;
}

/** Appends a dated update (text and/or status change) to an action and touches it. */
export async function insertUpdate(
  db: Db,
  u: {
    actionId: string;
    /** Null: undated (an imported update that gave no date). */
    date: string | null;
    text: string | null;
    statusFrom: string | null;
    statusTo: string | null;
    authorUserId: string | null;
    authorName: string;
    now: Date;
    imported?: boolean;
  },
): Promise<void> {
  await db
    .insertInto('action_updates')
    .values({
      action_id: u.actionId,
      update_date: u.date,
      text: u.text,
      status_from: u.statusFrom,
      status_to: u.statusTo,
      author_user_id: u.authorUserId,
      author_name: u.authorName,
      created_at: u.now,
      imported: u.imported ?? false,
    })
    .execute();
  await db
    .updateTable('actions')
    .set({ updated_at: u.now, ...(u.statusTo ? { status: u.statusTo } : {}) })
    .where('id', '=', u.actionId)
    .execute();
}

/** Revises the text of an imported update (a re-import that changed it), keeping its date; touches the action. */
export async function reviseUpdate(db: Db, u: { actionId: string; updateId: string; text: string; now: Date }): Promise<void> {
  await db.updateTable('action_updates').set({ text: u.text, revised_at: u.now }).where('id', '=', u.updateId).execute();
  await db.updateTable('actions').set({ updated_at: u.now }).where('id', '=', u.actionId).execute();
}

/** The next free automatic reference `A<n>` for actions assigned without one. */
export async function nextAutoRef(db: Db): Promise<string> {
  const r = await sql<{
    n: number | null;
  }>`select max(cast(substring(ref from 2) as integer)) as n from actions where ref ~ '^A[0-9]{1,9}$'`.execute(db);
  return `A${Number(r.rows[0]?.n ?? 0) + 1}`;
}

import { sql } from 'kysely';
import type { Db } from '../schema.js';
import type { Action, ActionStatus, ActionUpdate, PillarOrNone } from './actions.model.js';

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

const toAction = (r: JoinedRow): Action => ({
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

/** Runs an actions query and maps the rows. */
export async function fetchActions(q: ReturnType<typeof actionsQuery>): Promise<Action[]> {
  const rows = (await q.execute()) as JoinedRow[];
  return rows.map(toAction);
}

/** One action by canonical reference (case-insensitive), or null. */
export async function findByRef(db: Db, ref: string): Promise<Action | null> {
  const [a] = await fetchActions(actionsQuery(db).where(sql`lower(a.ref)`, '=', ref.toLowerCase()));
  return a ?? null;
}

/** One action by id, or null. */
export async function findById(db: Db, id: string): Promise<Action | null> {
  const [a] = await fetchActions(actionsQuery(db).where('a.id', '=', id));
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
      'action_id',
      'text',
      'status_from',
      'status_to',
      'author_name',
      'created_at',
      sql<string>`to_char(update_date, 'YYYY-MM-DD')`.as('date'),
    ])
    .where('action_id', 'in', [...ids])
    .orderBy('update_date', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
  for (const r of rows) {
    const u: ActionUpdate = {
      date: r.date,
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
    date: string;
    text: string | null;
    statusFrom: string | null;
    statusTo: string | null;
    authorUserId: string | null;
    authorName: string;
    now: Date;
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
    })
    .execute();
  await db
    .updateTable('actions')
    .set({ updated_at: u.now, ...(u.statusTo ? { status: u.statusTo } : {}) })
    .where('id', '=', u.actionId)
    .execute();
}

/** The next free automatic reference `A<n>` for actions assigned without one. */
export async function nextAutoRef(db: Db): Promise<string> {
  const r = await sql<{
    n: number | null;
  }>`select max(cast(substring(ref from 2) as integer)) as n from actions where ref ~ '^A[0-9]{1,9}$'`.execute(db);
  return `A${Number(r.rows[0]?.n ?? 0) + 1}`;
}

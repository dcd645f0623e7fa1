import { parse } from 'csv-parse/sync';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.service.js';
import { toIssues, ValidationError } from '../errors.js';
import type { Database, Db } from '../schema.js';
import type { UserRow } from './users.table.js';

import { FORCE_WIDE, ROLES, type Role } from '../access/access.policy.js';

export { ROLES, type Role } from '../access/access.policy.js';

/** A person known to the bot, from Teams activities and/or the roster. */
export interface User {
  id: string;
  teamsId: string | null;
  aadObjectId: string | null;
  upn: string | null;
  name: string;
  roles: Role[];
  districts: string[];
  onRoster: boolean;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  teamsId: r.teams_id,
  aadObjectId: r.aad_object_id,
  upn: r.upn,
  name: r.name,
  roles: r.roles.filter((x): x is Role => (ROLES as readonly string[]).includes(x)),
  districts: r.districts,
  onRoster: r.on_roster,
});

/** A user by id as the roster has them now, or null when there is no such row. */
export async function userById(db: Db, id: string): Promise<User | null> {
  const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toUser(r) : null;
}

/** What a Teams activity tells us about its sender. */
export interface TeamsIdentity {
  teamsId: string;
  aadObjectId: string | null;
  name: string;
  upn: string | null;
}

/** How far the identity given to rememberTeamsUser may move a user row between Teams accounts. */
export interface BindOptions {
  /**
   * The activity was authenticated (its token proves Teams sent it), so an AAD object id or UPN
   * may move a row already bound to another Teams id. Default false (local mode, @mentions): a
   * row bound to one Teams account is never re-bound to another.
   */
  rebind?: boolean;
}

/**
 * Learns or refreshes the user behind a Teams account (issue 9, item 6):
 *  - the Teams id picks the row; else the AAD object id, then the UPN, pick a row no Teams
 *    account holds yet (a roster entry), or with `rebind` any row;
 *  - a row Teams introduced before its UPN was known (not on the roster) gives way to the roster
 *    entry its UPN names: that entry takes the Teams account; the old row keeps its history, unbound;
 *  - otherwise the AAD object id and UPN only fill blanks, and never take one another row holds.
 * Callers pass `aadObjectId` and `upn` only from a trusted source: an authenticated activity, or
 * the member look-up on a trusted service URL. `name` is the caller's claim; a roster row keeps its own.
 */
export async function rememberTeamsUser(db: Db, who: TeamsIdentity, options: BindOptions = {}): Promise<User> {
  const upn = who.upn?.toLowerCase() ?? null;
  const aad = who.aadObjectId;
  const candidates = await db
    .selectFrom('users')
    .selectAll()
    .where((eb) =>
      eb.or([eb('teams_id', '=', who.teamsId), ...(aad ? [eb('aad_object_id', '=', aad)] : []), ...(upn ? [eb('upn', '=', upn)] : [])]),
    )
    .execute();
  const byTeams = candidates.find((c) => c.teams_id === who.teamsId);
  const claimed = [
    aad ? candidates.find((c) => c.aad_object_id === aad) : undefined,
    upn ? candidates.find((c) => c.upn === upn) : undefined,
  ].find((c): c is UserRow => c !== undefined && c.id !== byTeams?.id);
  let target = byTeams;
  let released: UserRow | undefined;
  if (claimed && (claimed.teams_id === null || options.rebind) && !byTeams?.on_roster) {
    released = byTeams;
    target = claimed;
  }
  const others = candidates.filter((c) => c.id !== target?.id && c.id !== released?.id);
  const freeAad = aad && !others.some((c) => c.aad_object_id === aad) ? aad : null;
  const freeUpn = upn && !others.some((c) => c.upn === upn) ? upn : null;
  if (!target) {
    const row = await db
      .insertInto('users')
      .values({ teams_id: who.teamsId, aad_object_id: freeAad, upn: freeUpn, name: who.name })
      .onConflict((oc) => oc.column('teams_id').doUpdateSet({ name: who.name, updated_at: sql`now()` }))
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  }
  // The unique Teams id and AAD object id move off the released row first.
  if (released)
    await db
      .updateTable('users')
      .set({ teams_id: null, aad_object_id: null, updated_at: sql`now()` })
      .where('id', '=', released.id)
      .execute();
  const next = {
    teams_id: who.teamsId,
    aad_object_id: options.rebind && freeAad ? freeAad : (target.aad_object_id ?? freeAad ?? released?.aad_object_id ?? null),
    upn: target.upn ?? freeUpn,
    // The roster's name is the authoritative one once imported.
    name: target.on_roster ? target.name : who.name,
  };
  const changed = (Object.keys(next) as (keyof typeof next)[]).some((k) => next[k] !== target[k]);
  if (!changed) return toUser(target);
  const row = await db
    .updateTable('users')
    .set({ ...next, updated_at: sql`now()` })
    .where('id', '=', target.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUser(row);
}

/** Whether the bot already holds a UPN for this Teams user (else it asks Teams for one). */
export async function knowsUpnOf(db: Db, teamsId: string): Promise<boolean> {
  const known = await db.selectFrom('users').select(['upn']).where('teams_id', '=', teamsId).executeTakeFirst();
  return Boolean(known?.upn);
}

/** Whether any roster has been imported (local mode treats everyone as coordinator until then). */
export async function hasRoster(db: Db): Promise<boolean> {
  const r = await db.selectFrom('users').select('id').where('on_roster', '=', true).limit(1).executeTakeFirst();
  return r !== undefined;
}

/**
 * The roles and districts in force for a user: their roster entry (`*` force-wide, empty none);
 * or, in local mode with no roster imported (the Playground), a force-wide coordinator and
 * manager (`localForceWide` true, so the caller can log it). Need to know: docs/domain.md.
 */
export async function effectiveAccess(
  db: Db,
  user: User,
  localMode: boolean,
): Promise<{ roles: Role[]; districts: string[]; localForceWide: boolean }> {
  if (localMode && !(await hasRoster(db))) return { roles: ['coordinator', 'manager'], districts: [FORCE_WIDE], localForceWide: true };
  return { roles: user.roles, districts: user.districts, localForceWide: false };
}

const rosterRow = z.object({
  upn: z.string().trim().toLowerCase().email('must be a user principal name'),
  name: z.string().trim().min(1, 'must not be empty').max(200),
  roles: z
    .string()
    .transform((s) =>
      s
        .split(/[;|]/)
        .map((x) => x.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.enum(ROLES, { errorMap: () => ({ message: `each role must be one of ${ROLES.join(', ')}` }) })).min(1, 'at least one role'),
    ),
  districts: z
    .string()
    .optional()
    .transform((s) =>
      (s ?? '')
        .split(/[;|]/)
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  /** Optional: the agency (e.g. `OCC`) this user is a named contact of, for delivery-plan actions (issue 13 item 1). */
  agency: z
    .string()
    .optional()
    .transform((s) => s?.trim() || null)
    .pipe(z.string().max(100, 'an agency name is at most 100 characters').nullable()),
});

/** One line of a roster import's report. */
export interface RosterResult {
  line: number;
  upn: string;
  outcome: 'created' | 'updated' | 'unchanged';
}

let generation = 0;

/**
 * A number that changes whenever this process imports a roster: a cache of who a user is and
 * what they may do (bot/teams/identity.ts) compares it and starts afresh when it moved.
 */
export function rosterGeneration(): number {
  return generation;
}

/**
 * Moves the roster generation on, so every cached sender is resolved afresh on their next turn.
 * For whatever empties or rewrites the users table behind the bot's back (the tests' reset
 * between cases); a roster import does this itself.
 */
export function forgetKnownUsers(): void {
  generation++;
}

/**
 * Imports the roster CSV (header `upn,name,roles,districts[,agency]`; several roles or districts
 * separated by `;`; `agency` makes the user one of that agency's named contacts for
 * delivery-plan actions). Every row is checked first: any bad row means nothing is written.
 * @throws ValidationError listing every bad row as `line N.column`
 */
export async function importRoster(conn: Kysely<Database>, csvText: string, actor: string): Promise<RosterResult[]> {
  let records: Record<string, string>[];
  try {
    records = parse(csvText, {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      skip_empty_lines: true,
      bom: true,
      trim: true,
    });
  } catch (e) {
    throw new ValidationError('the roster is not valid CSV', [{ path: '(file)', message: (e as Error).message }]);
  }
  const issues: { path: string; message: string }[] = [];
  const rows: (z.infer<typeof rosterRow> & { line: number })[] = [];
  records.forEach((rec, i) => {
    const r = rosterRow.safeParse(rec);
    if (r.success) rows.push({ ...r.data, line: i + 2 });
    else issues.push(...toIssues(r.error.issues, [`line ${i + 2}`]));
  });
  const dup = rows.find((r, i) => rows.findIndex((x) => x.upn === r.upn) !== i);
  if (dup) issues.push({ path: `line ${dup.line}.upn`, message: `${dup.upn} appears more than once` });
  if (issues.length) throw new ValidationError(`${issues.length} problem(s) in the roster; nothing was written`, issues);
  generation++; // before and after: a turn resolved while the import runs is not kept
  const results = await conn.transaction().execute(async (db) => {
    const results: RosterResult[] = [];
    for (const r of rows) {
      const before = await db.selectFrom('users').selectAll().where('upn', '=', r.upn).executeTakeFirst();
      const same =
        before?.on_roster &&
        before.name === r.name &&
        [...before.roles].sort().join() === [...r.roles].sort().join() &&
        [...before.districts].sort().join() === [...r.districts].sort().join() &&
        before.agency === r.agency;
      if (same) {
        results.push({ line: r.line, upn: r.upn, outcome: 'unchanged' });
        continue;
      }
      await db
        .insertInto('users')
        .values({
          upn: r.upn,
          name: r.name,
          roles: r.roles,
          districts: r.districts,
          agency: r.agency,
          on_roster: true,
          teams_id: null,
          aad_object_id: null,
        })
        .onConflict((oc) =>
          oc.column('upn').doUpdateSet({
            name: r.name,
            roles: r.roles,
            districts: r.districts,
            agency: r.agency,
            on_roster: true,
            updated_at: sql`now()`,
          }),
        )
        .execute();
      await recordAudit(db, {
        actor,
        action: before ? 'user.roster_updated' : 'user.roster_created',
        entityType: 'user',
        entityId: r.upn,
        details: {
          roles: r.roles,
          districts: r.districts,
          agency: r.agency,
          previous: before ? { roles: before.roles, districts: before.districts, agency: before.agency } : null,
        },
      });
      results.push({ line: r.line, upn: r.upn, outcome: before ? 'updated' : 'created' });
    }
    return results;
  });
  generation++;
  return results;
}

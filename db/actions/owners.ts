import { sql } from 'kysely';
import { ValidationError } from '../errors.js';
import type { Db } from '../schema.js';
import { rememberTeamsUser } from '../users/users.service.js';
import { isUpn, type ActionActor } from './actions.model.js';

/**
 * Who an action is for, as the coordinator named them: themself (`me`), a Teams @mention, a
 * UPN or e-mail, a name that must match one known user, or a user id from the card form.
 */
export type PersonSpec =
  | { kind: 'me' }
  | { kind: 'userId'; userId: string }
  | { kind: 'mention'; teamsId: string; name: string; aadObjectId: string | null; upn: string | null }
  | { kind: 'upn'; upn: string }
  | { kind: 'name'; name: string };

/** A resolved holder: a known user (id) and/or a UPN, with the name to show. */
export interface ResolvedPerson {
  userId: string | null;
  upn: string | null;
  name: string;
  inTeams: boolean;
}

/** A case-insensitive LIKE pattern matching `s` anywhere, with LIKE's wildcards escaped. */
export const likePattern = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

async function byName(db: Db, name: string, path: string): Promise<ResolvedPerson> {
  const exact = await db
    .selectFrom('users')
    .select(['id', 'upn', 'name', 'teams_id'])
    .where(sql`lower(name)`, '=', name.toLowerCase())
    .limit(10)
    .execute();
  const rows = exact.length
    ? exact
    : await db
        .selectFrom('users')
        .select(['id', 'upn', 'name', 'teams_id'])
        .where(sql`lower(name)`, 'like', likePattern(name))
        .orderBy('name')
        .limit(10)
        .execute();
  if (rows.length === 1) return { userId: rows[0]!.id, upn: rows[0]!.upn, name: rows[0]!.name, inTeams: Boolean(rows[0]!.teams_id) };
  if (rows.length === 0) {
    throw new ValidationError(`no known user is called "${name}"`, [
      { path, message: `no known user is called "${name}": @mention them, or give their UPN (e.g. name@force.police.uk)` },
    ]);
  }
  const list = rows.map((r) => (r.upn ? `${r.name} (${r.upn})` : r.name)).join(', ');
  throw new ValidationError(`"${name}" matches ${rows.length} people`, [
    {
      path,
      message: `"${name}" matches ${rows.length >= 10 ? 'at least 10' : rows.length} people: ${list}. @mention the person or give their UPN`,
    },
  ]);
}

/**
 * Finds (or, for a Teams @mention, learns) the person an action is assigned to.
 * @throws ValidationError when a name matches nobody or several people (the candidates are listed)
 */
export async function resolvePerson(db: Db, spec: PersonSpec, actor: ActionActor, path = 'owner'): Promise<ResolvedPerson> {
  switch (spec.kind) {
    case 'me': {
      const u = actor.userId
        ? await db.selectFrom('users').select(['teams_id']).where('id', '=', actor.userId).executeTakeFirst()
        : undefined;
      return { userId: actor.userId, upn: actor.upn?.toLowerCase() ?? null, name: actor.name, inTeams: Boolean(u?.teams_id) };
    }
    case 'userId': {
      const u = await db.selectFrom('users').select(['id', 'upn', 'name', 'teams_id']).where('id', '=', spec.userId).executeTakeFirst();
      if (!u)
        throw new ValidationError('that person is no longer known', [
          { path, message: 'the chosen person is not known to the bot; choose again' },
        ]);
      return { userId: u.id, upn: u.upn, name: u.name, inTeams: Boolean(u.teams_id) };
    }
    case 'mention': {
      const u = await rememberTeamsUser(db, { teamsId: spec.teamsId, aadObjectId: spec.aadObjectId, name: spec.name, upn: spec.upn });
      return { userId: u.id, upn: u.upn, name: u.name, inTeams: true };
    }
    case 'upn': {
      const upn = spec.upn.trim().toLowerCase();
      if (!isUpn(upn))
        throw new ValidationError('not a UPN', [
          { path, message: `"${spec.upn.slice(0, 60)}" is not a user principal name or e-mail address` },
        ]);
      const u = await db.selectFrom('users').select(['id', 'upn', 'name', 'teams_id']).where('upn', '=', upn).executeTakeFirst();
      return u ? { userId: u.id, upn, name: u.name, inTeams: Boolean(u.teams_id) } : { userId: null, upn, name: upn, inTeams: false };
    }
    case 'name':
      return byName(db, spec.name.trim(), path);
  }
}

import { sql } from 'kysely';
import type { Db } from '../schema.js';

/**
 * Two-role PostgreSQL (issue 9 item 8): the owner role (DATABASE_MIGRATION_URL) owns the schema
 * and migrates it; the bot's login role (DATABASE_URL) gets exactly what it needs, and on the
 * audit log only SELECT and INSERT, so it can neither update, delete, truncate, alter nor drop
 * it, nor switch its triggers off (those need ownership; session_replication_role needs a
 * superuser).
 */

/** Tables the bot reads but never writes: the migrator's bookkeeping. */
const READ_ONLY = ['kysely_migration', 'kysely_migration_lock'];

const ident = (name: string) => sql.id(name);

/**
 * Grants `role` the rights the bot needs on every table of the owner's current schema, and no
 * more; idempotent (run after every migration, so new tables are covered). Run as the owner.
 * @param role the bot's login role (as `current_user` reports it on DATABASE_URL)
 */
export async function grantAppRole(owner: Db, role: string): Promise<void> {
  const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(owner)).rows[0]!.s;
  const tables = (await sql<{ t: string }>`select tablename as t from pg_tables where schemaname = ${schema}`.execute(owner)).rows.map(
    (r) => r.t,
  );
  await sql`grant usage on schema ${ident(schema)} to ${ident(role)}`.execute(owner);
  for (const t of tables) {
    const table = sql`${ident(schema)}.${ident(t)}`;
    // Start from nothing on each table, so a right granted by hand earlier does not linger.
    await sql`revoke all on ${table} from ${ident(role)}`.execute(owner);
    if (t === 'audit_log') await sql`grant select, insert on ${table} to ${ident(role)}`.execute(owner);
    else if (READ_ONLY.includes(t)) await sql`grant select on ${table} to ${ident(role)}`.execute(owner);
    else await sql`grant select, insert, update, delete on ${table} to ${ident(role)}`.execute(owner);
  }
  await sql`grant usage, select on all sequences in schema ${ident(schema)} to ${ident(role)}`.execute(owner);
}

/** What the bot's own role could do to the audit log if it were set up wrongly. */
export interface AuditTamperRisk {
  role: string;
  /** Problems found, e.g. "is a superuser"; empty when the log is tamper-evident. */
  problems: string[];
}

/**
 * Checks, on the bot's own connection, whether its role could switch the audit log off: a
 * superuser, the table's owner, a member of the owning role, or holding UPDATE, DELETE or
 * TRUNCATE on it.
 */
export async function auditTamperRisk(app: Db): Promise<AuditTamperRisk> {
  const r = (
    await sql<{ role: string; superuser: boolean; owns: boolean; member: boolean; writes: boolean }>`
      select current_user as role,
        (select rolsuper from pg_roles where rolname = current_user) as superuser,
        t.tableowner = current_user as owns,
        pg_has_role(current_user, t.tableowner, 'USAGE') as member,
        has_table_privilege(c.oid, 'UPDATE, DELETE, TRUNCATE') as writes
      from pg_tables t join pg_class c on c.relname = t.tablename and c.relnamespace = t.schemaname::regnamespace
      where t.schemaname = current_schema() and t.tablename = 'audit_log'`.execute(app)
  ).rows[0];
  if (!r) return { role: '?', problems: ['cannot see the audit_log table'] };
  const problems: string[] = [];
  if (r.superuser) problems.push('is a superuser');
  if (r.owns) problems.push('owns audit_log');
  else if (r.member) problems.push("is a member of audit_log's owning role");
  if (r.writes && !r.superuser && !r.owns && !r.member) problems.push('may update, delete or truncate audit_log');
  return { role: r.role, problems };
}

import { sql, type Kysely } from 'kysely';

/**
 * Makes the audit log tamper-evident (issue 9 item 8): each entry carries `hash`, a SHA-256 over
 * a canonical text of the entry and the previous entry's hash (`prev_hash`), and `seq`, its
 * position in the chain.
 *
 * Order: a BEFORE INSERT trigger takes a transaction-scoped advisory lock, reads the last entry
 * (by `seq`) and chains the new one to it. The lock is held until the transaction ends, so
 * transactions that write the log chain one after another in commit order, and each sees every
 * entry committed before it (READ COMMITTED takes a fresh snapshot per query). `id` is drawn
 * before the lock is taken, so a transaction may hold id 5 and commit after the one holding
 * id 6: the chain, and verification, follow `seq`, not `id`. The lock is held from a
 * transaction's first audit entry to its commit: services write their entries last.
 * Under REPEATABLE READ or SERIALIZABLE the snapshot could miss an entry committed while
 * waiting for the lock (a fork), so the trigger refuses to write there.
 *
 * The entry's time is the database's (`now()`, the transaction's start), whatever the writer
 * sent. The trigger function runs as its owner (SECURITY DEFINER, fixed search_path) and fires
 * ALWAYS, so session_replication_role = replica cannot skip it. Existing entries are chained
 * here in id order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`lock table audit_log in exclusive mode`.execute(db);
  await sql`alter table audit_log add column seq bigint, add column prev_hash text, add column hash text`.execute(db);
  // The canonical text is a JSON array (unambiguous separators; jsonb prints its keys in a fixed
  // order) with the time in UTC to the microsecond, whatever the session's TimeZone.
  await sql`create function audit_log_hash(p_id bigint, p_seq bigint, p_at timestamptz, p_actor text, p_action text, p_entity_type text, p_entity_id text, p_details jsonb, p_prev text)
    returns text language sql stable as $$
      select encode(sha256(convert_to(jsonb_build_array(p_id::text, p_seq::text, to_char(p_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        p_actor, p_action, p_entity_type, p_entity_id, p_details, p_prev)::text, 'UTF8')), 'hex') $$`.execute(db);
  await sql`create function audit_log_chain() returns trigger language plpgsql security definer set search_path from current as $$
    declare last record;
    begin
      if current_setting('transaction_isolation') <> 'read committed' then
        raise exception 'audit entries are written in READ COMMITTED transactions only (the hash chain must see every earlier entry)' using errcode = '0A000';
      end if;
      perform pg_advisory_xact_lock(hashtext('hcc:audit_log_chain'));
      -- Sees this statement's earlier rows too (a volatile trigger function sees them).
      select seq, hash into last from audit_log order by seq desc limit 1;
      -- The database's clock, not the writer's: an entry cannot be backdated.
      new.at := now();
      new.seq := coalesce(last.seq, 0) + 1;
      new.prev_hash := coalesce(last.hash, repeat('0', 64));
      new.hash := audit_log_hash(new.id, new.seq, new.at, new.actor, new.action, new.entity_type, new.entity_id, new.details, new.prev_hash);
      return new;
    end $$`.execute(db);
  // Chain what is already there (the append-only trigger is lifted for this one update only).
  await sql`alter table audit_log disable trigger audit_log_no_update`.execute(db);
  await sql`do $$
    declare r record; h text := repeat('0', 64); n bigint := 0;
    begin
      for r in select * from audit_log order by id loop
        n := n + 1;
        update audit_log set seq = n, prev_hash = h,
          hash = audit_log_hash(r.id, n, r.at, r.actor, r.action, r.entity_type, r.entity_id, r.details, h)
          where id = r.id returning hash into h;
      end loop;
    end $$`.execute(db);
  await sql`alter table audit_log enable trigger audit_log_no_update`.execute(db);
  await sql`alter table audit_log alter column seq set not null, alter column prev_hash set not null, alter column hash set not null`.execute(db);
  await sql`create unique index audit_log_seq_uq on audit_log (seq)`.execute(db);
  await sql`create trigger audit_log_chain before insert on audit_log for each row execute function audit_log_chain()`.execute(db);
  await sql`alter table audit_log enable always trigger audit_log_chain`.execute(db);
}

/** Reverts up(): the chain columns, trigger and functions go; the entries stay. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists audit_log_chain on audit_log`.execute(db);
  await sql`drop function if exists audit_log_chain()`.execute(db);
  await sql`alter table audit_log drop column if exists seq, drop column if exists prev_hash, drop column if exists hash`.execute(db);
  await sql`drop function if exists audit_log_hash(bigint, bigint, timestamptz, text, text, text, text, jsonb, text)`.execute(db);
}

import { sql, type Kysely } from 'kysely';

/**
 * Makes the audit log tamper-evident (issue 9 item 8): each entry carries `hash`, a SHA-256 over
 * a canonical text of the entry and the previous entry's hash (`prev_hash`), and `seq`, its
 * position in the chain.
 *
 * Order: the chain follows the order in which entries take the chain head (one row,
 * `audit_chain_head`, locked FOR UPDATE until the inserting transaction ends), which is the
 * commit order of transactions that write the log. `id` is drawn before the lock is taken, so a
 * transaction may hold id 5 and commit after the one holding id 6: the chain, and verification,
 * follow `seq`, not `id`. A REPEATABLE READ transaction that loses the race for the head gets
 * a serialization failure (retryable) instead of forking the chain.
 *
 * The trigger function runs as its owner (SECURITY DEFINER), so the bot's role needs no rights
 * on the head; it fires ALWAYS, so session_replication_role = replica cannot skip it.
 * Existing entries are chained here in id order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`lock table audit_log in exclusive mode`.execute(db);
  await sql`alter table audit_log add column seq bigint, add column prev_hash text, add column hash text`.execute(db);
  await sql`create table audit_chain_head (id int primary key check (id = 1), seq bigint not null, hash text not null)`.execute(db);
  await sql`insert into audit_chain_head (id, seq, hash) values (1, 0, repeat('0', 64))`.execute(db);
  // The canonical text is a JSON array (unambiguous separators; jsonb prints its keys in a fixed
  // order) with the time in UTC to the microsecond, whatever the session's TimeZone.
  await sql`create function audit_log_hash(p_id bigint, p_seq bigint, p_at timestamptz, p_actor text, p_action text, p_entity_type text, p_entity_id text, p_details jsonb, p_prev text)
    returns text language sql stable as $$
      select encode(sha256(convert_to(jsonb_build_array(p_id::text, p_seq::text, to_char(p_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        p_actor, p_action, p_entity_type, p_entity_id, p_details, p_prev)::text, 'UTF8')), 'hex') $$`.execute(db);
  await sql`create function audit_log_chain() returns trigger language plpgsql security definer set search_path from current as $$
    declare head record;
    begin
      select seq, hash into strict head from audit_chain_head where id = 1 for update;
      new.seq := head.seq + 1;
      new.prev_hash := head.hash;
      new.hash := audit_log_hash(new.id, new.seq, new.at, new.actor, new.action, new.entity_type, new.entity_id, new.details, new.prev_hash);
      update audit_chain_head set seq = new.seq, hash = new.hash where id = 1;
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
      update audit_chain_head set seq = n, hash = h where id = 1;
    end $$`.execute(db);
  await sql`alter table audit_log enable trigger audit_log_no_update`.execute(db);
  await sql`alter table audit_log alter column seq set not null, alter column prev_hash set not null, alter column hash set not null`.execute(db);
  await sql`create unique index audit_log_seq_uq on audit_log (seq)`.execute(db);
  await sql`create trigger audit_log_chain before insert on audit_log for each row execute function audit_log_chain()`.execute(db);
  await sql`alter table audit_log enable always trigger audit_log_chain`.execute(db);
}

/** Reverts up(): the chain columns, head, trigger and functions go; the entries stay. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists audit_log_chain on audit_log`.execute(db);
  await sql`drop function if exists audit_log_chain()`.execute(db);
  await sql`drop table if exists audit_chain_head`.execute(db);
  await sql`alter table audit_log drop column if exists seq, drop column if exists prev_hash, drop column if exists hash`.execute(db);
  await sql`drop function if exists audit_log_hash(bigint, bigint, timestamptz, text, text, text, text, jsonb, text)`.execute(db);
}

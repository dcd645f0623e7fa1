import { sql, type Kysely } from 'kysely';

/**
 * Issue 11: the rollup triggers of migration 2026-11-29T20 with static SQL, one function per table.
 * That migration's one trigger function built its statement with format() and ran it with EXECUTE,
 * which PostgreSQL parses and plans again on every write; PL/pgSQL plans static statements once per
 * session. A review's save writes occurrences (its current grade) and scheduled_reviews (the
 * coordinator review answered), so each save paid twice: about 0.6 ms a write on PGlite. What the
 * triggers count is unchanged: the same apply functions, and an update that changes none of the
 * counted columns writes nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create function summary_occurrences_trigger() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        perform summary_daily_apply('{}', array(select a::occurrences from added a));
      elsif tg_op = 'DELETE' then
        perform summary_daily_apply(array(select r::occurrences from removed r), '{}');
      elsif exists (select from removed r join added a on a.id = r.id
          where (r.flagged_at, r.recorded_as, r.source, r.district, r.strands, r.current_risk_grade, r.status, r.outcome,
                 r.victim_satisfied, r.closed_at)
            is distinct from (a.flagged_at, a.recorded_as, a.source, a.district, a.strands, a.current_risk_grade, a.status, a.outcome,
                 a.victim_satisfied, a.closed_at)) then
        perform summary_daily_apply(array(select r::occurrences from removed r), array(select a::occurrences from added a));
      end if;
      return null;
    end $$`.execute(db);
  await sql`create function summary_scheduled_reviews_trigger() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        perform summary_reviews_apply('{}', array(select a::scheduled_reviews from added a));
      elsif tg_op = 'DELETE' then
        perform summary_reviews_apply(array(select r::scheduled_reviews from removed r), '{}');
      elsif exists (select from removed r join added a on a.id = r.id
          where (r.due_at, r.kind, r.status, r.completed_at) is distinct from (a.due_at, a.kind, a.status, a.completed_at)) then
        perform summary_reviews_apply(array(select r::scheduled_reviews from removed r), array(select a::scheduled_reviews from added a));
      end if;
      return null;
    end $$`.execute(db);
  await retrigger(db, (table) => sql.raw(`summary_${table}_trigger()`));
  await sql`drop function summary_daily_trigger()`.execute(db);
}

/** Drops and creates each table's insert, delete and update rollup triggers, calling `fn(table)`. */
async function retrigger(db: Kysely<unknown>, fn: (table: string) => ReturnType<typeof sql.raw>): Promise<void> {
  for (const table of ['occurrences', 'scheduled_reviews']) {
    for (const [name, event, tables] of [
      ['added', 'insert', 'new table as added'],
      ['removed', 'delete', 'old table as removed'],
      ['changed', 'update', 'old table as removed new table as added'],
    ] as const) {
      const trigger = sql.raw(`${table}_daily_${name}`);
      await sql`drop trigger ${trigger} on ${sql.table(table)}`.execute(db);
      await sql`create trigger ${trigger} after ${sql.raw(event)} on ${sql.table(table)}
        referencing ${sql.raw(tables)} for each statement execute function ${fn(table)}`.execute(db);
    }
  }
}

/** Reverts up(): the dynamic trigger function of 2026-11-29T20 and its triggers. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create function summary_daily_trigger() returns trigger language plpgsql as $$
    declare
      counted text[] := string_to_array(tg_argv[1], ',');
      olds text := case when tg_op = 'INSERT' then quote_literal('{}') else format('array(select r::%I from removed r)', tg_table_name) end;
      news text := case when tg_op = 'DELETE' then quote_literal('{}') else format('array(select a::%I from added a)', tg_table_name) end;
      changed text := 'true';
    begin
      if tg_op = 'UPDATE' then
        changed := format('exists (select from removed r join added a on a.id = r.id where (%s) is distinct from (%s))',
          (select string_agg('r.' || quote_ident(c), ', ') from unnest(counted) c),
          (select string_agg('a.' || quote_ident(c), ', ') from unnest(counted) c));
      end if;
      execute format('select %I(%s, %s) where %s', tg_argv[0], olds, news, changed);
      return null;
    end $$`.execute(db);
  const args: Record<string, string> = {
    occurrences: `'summary_daily_apply', 'flagged_at,recorded_as,source,district,strands,current_risk_grade,status,outcome,victim_satisfied,closed_at'`,
    scheduled_reviews: `'summary_reviews_apply', 'due_at,kind,status,completed_at'`,
  };
  await retrigger(db, (table) => sql.raw(`summary_daily_trigger(${args[table]})`));
  await sql`drop function summary_occurrences_trigger()`.execute(db);
  await sql`drop function summary_scheduled_reviews_trigger()`.execute(db);
}

import { sql, type Kysely } from 'kysely';

/**
 * Issue 11, item 5: force-level summary figures read the period's months and days, not its rows.
 *
 * `summary_daily` holds, per Europe/London day, how many occurrences count under each figure of a
 * summary: one row per (span, day, dim, value) with its count, for the day and again for its month
 * (span `month`, day = the 1st). Flag-day figures (the day the occurrence
 * was flagged): `total`, `multi` (more than one strand), `type` (recorded_as), `source`,
 * `district` (as spelled by the feed; readers group by lower()), `strand` (one per strand, so a
 * multi-strand occurrence counts in each) and `grade` (current risk grade, '' when ungraded).
 * Closure-day figures (closed_at, else flagged_at, of occurrences not open): `outcome` ('' when
 * none), `satisfied` and `dissatisfied`. Only marginals are kept, not their combinations: a
 * summary shows marginals, and a day of one district holds a couple of dozen occurrences spread
 * over so many combinations that a combination rollup would be nearly as long as the rows.
 * District and own scopes keep reading rows (a fortieth of them, by their indexes).
 *
 * `summary_reviews_daily` holds, per due day and month (Europe/London), kind and class (`on_time`, `late`,
 * `pending`, `not_applicable`; cancelled reviews are not kept), how many scheduled reviews are due
 * then: review compliance over a period is then a sum over its months and days.
 *
 * Statement-level triggers keep both in step inside the writing transaction, set-wise (one upsert
 * per statement, in key order so that concurrent writers lock rows in the same order): inserts,
 * updates that change a counted column (others return at once), deletes (retention erasure) and
 * TRUNCATE. Counts left at 0 stay as rows; readers skip them. A bulk load with triggers off
 * (session_replication_role = replica) calls `summary_daily_rebuild()` afterwards.
 *
 * Overdue reviews by owner read the pending reviews past due from a partial index that covers them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table summary_daily (span text not null, day date not null, dim text not null, value text not null, n bigint not null,
    primary key (span, day, dim, value))`.execute(db);
  await sql`create table summary_reviews_daily (span text not null, day date not null, kind text not null, class text not null, n bigint not null,
    primary key (span, day, kind, class))`.execute(db);

  // Each count is kept for its day and for its month (day = the 1st): a year reads 12 months, not 365 days.
  await sql`create function summary_spans(day date) returns table (span text, day date) language sql immutable parallel safe as $$
    values ('day', day), ('month', day - extract(day from day)::int + 1)
  $$`.execute(db);

  // The flag-day figures one occurrence counts under (the summary's read of edge rows uses it too).
  await sql`create function summary_flag_entries(flagged_at timestamptz, recorded_as text, source text, district text, strands text[], grade text)
    returns table (day date, dim text, value text) language sql immutable parallel safe as $$
    select (flagged_at at time zone 'Europe/London')::date, x.dim, x.value
    from (values ('total', ''), ('type', recorded_as), ('source', source), ('district', district), ('grade', coalesce(grade, '')),
                 ('multi', case when cardinality(strands) > 1 then '' end)) x(dim, value)
    where x.value is not null
    union all
    select (flagged_at at time zone 'Europe/London')::date, 'strand', s from unnest(strands) s
  $$`.execute(db);
  // The closure-day figures of one occurrence: none while it is open.
  await sql`create function summary_closure_entries(status text, closed_at timestamptz, flagged_at timestamptz, outcome text, satisfied boolean)
    returns table (day date, dim text, value text) language sql immutable parallel safe as $$
    select (coalesce(closed_at, flagged_at) at time zone 'Europe/London')::date, x.dim, x.value
    from (values ('outcome', coalesce(outcome, '')), ('satisfied', case when satisfied then '' end),
                 ('dissatisfied', case when not satisfied then '' end)) x(dim, value)
    where status <> 'open' and x.value is not null
  $$`.execute(db);
  // The compliance class of a scheduled review; null for those compliance leaves out (cancelled).
  await sql`create function summary_review_class(status text, completed_at timestamptz, due_at timestamptz) returns text
    language sql immutable parallel safe as $$
    select case when status = 'done' and completed_at <= due_at then 'on_time' when status = 'done' then 'late'
                when status in ('pending', 'not_applicable') then status end
  $$`.execute(db);

  // Applies the rows removed (counted -1) and added (+1) by one statement. PL/pgSQL, so that a
  // session plans the upsert once, not on every statement of an import.
  await sql`create function summary_daily_apply(olds occurrences[], news occurrences[]) returns void language plpgsql as $$ begin
    insert into summary_daily as s (span, day, dim, value, n)
    select g.span, g.day, e.dim, e.value, sum(x.sign)
    from (select -1 as sign, o.* from unnest(olds) o union all select 1, o.* from unnest(news) o) x
    cross join lateral (select * from summary_flag_entries(x.flagged_at, x.recorded_as, x.source, x.district, x.strands, x.current_risk_grade)
                        union all select * from summary_closure_entries(x.status, x.closed_at, x.flagged_at, x.outcome, x.victim_satisfied)) e
    cross join lateral summary_spans(e.day) g
    group by 1, 2, 3, 4 having sum(x.sign) <> 0
    order by 1, 2, 3, 4
    on conflict (span, day, dim, value) do update set n = s.n + excluded.n;
  end $$`.execute(db);
  await sql`create function summary_reviews_apply(olds scheduled_reviews[], news scheduled_reviews[]) returns void language plpgsql as $$ begin
    insert into summary_reviews_daily as s (span, day, kind, class, n)
    select g.span, g.day, x.kind, x.class, sum(x.sign)
    from (select -1 as sign, r.due_at, r.kind, summary_review_class(r.status, r.completed_at, r.due_at) as class from unnest(olds) r
          union all select 1, r.due_at, r.kind, summary_review_class(r.status, r.completed_at, r.due_at) from unnest(news) r) x
    cross join lateral summary_spans((x.due_at at time zone 'Europe/London')::date) g
    where x.class is not null
    group by 1, 2, 3, 4 having sum(x.sign) <> 0
    order by 1, 2, 3, 4
    on conflict (span, day, kind, class) do update set n = s.n + excluded.n;
  end $$`.execute(db);

  // One trigger function for both tables: tg_argv names the apply function and the columns it counts
  // by; an update that changes none of them (a sweep's step, a note) returns without writing.
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
  for (const [table, apply, counted] of [
    ['occurrences', 'summary_daily_apply', 'flagged_at,recorded_as,source,district,strands,current_risk_grade,status,outcome,victim_satisfied,closed_at'],
    ['scheduled_reviews', 'summary_reviews_apply', 'due_at,kind,status,completed_at'],
  ] as const) {
    const fn = sql.raw(`summary_daily_trigger('${apply}', '${counted}')`);
    await sql`create trigger ${sql.raw(`${table}_daily_added`)} after insert on ${sql.table(table)}
      referencing new table as added for each statement execute function ${fn}`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_daily_removed`)} after delete on ${sql.table(table)}
      referencing old table as removed for each statement execute function ${fn}`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_daily_changed`)} after update on ${sql.table(table)}
      referencing old table as removed new table as added for each statement execute function ${fn}`.execute(db);
  }

  // TRUNCATE fires no delete trigger: emptying a table empties its rollup.
  await sql`create function summary_daily_truncated() returns trigger language plpgsql as $$
    begin
      if tg_table_name = 'occurrences' then delete from summary_daily; else delete from summary_reviews_daily; end if;
      return null;
    end $$`.execute(db);
  for (const table of ['occurrences', 'scheduled_reviews'])
    await sql`create trigger ${sql.raw(`${table}_daily_truncated`)} after truncate on ${sql.table(table)}
      for each statement execute function summary_daily_truncated()`.execute(db);

  // Both rollups from scratch, set-wise: the backfill below, and bulk loads that ran with triggers off.
  await sql`create function summary_daily_rebuild() returns void language sql as $$
    delete from summary_daily;
    insert into summary_daily (span, day, dim, value, n)
    select g.span, g.day, e.dim, e.value, count(*)
    from occurrences o
    cross join lateral (select * from summary_flag_entries(o.flagged_at, o.recorded_as, o.source, o.district, o.strands, o.current_risk_grade)
                        union all select * from summary_closure_entries(o.status, o.closed_at, o.flagged_at, o.outcome, o.victim_satisfied)) e
    cross join lateral summary_spans(e.day) g
    group by 1, 2, 3, 4;
    delete from summary_reviews_daily;
    insert into summary_reviews_daily (span, day, kind, class, n)
    select g.span, g.day, r.kind, summary_review_class(r.status, r.completed_at, r.due_at), count(*)
    from scheduled_reviews r cross join lateral summary_spans((r.due_at at time zone 'Europe/London')::date) g
    where summary_review_class(r.status, r.completed_at, r.due_at) is not null
    group by 1, 2, 3, 4;
  $$`.execute(db);
  await sql`select summary_daily_rebuild()`.execute(db);

  // Overdue reviews by owner: the pending ones past due, with what the count needs, from the index alone
  // (the same key and condition as scheduled_reviews_due_idx, which it replaces).
  await sql`create index scheduled_reviews_pending_due_idx on scheduled_reviews (due_at) include (occurrence_id, owner_role)
    where status = 'pending'`.execute(db);
  await sql`drop index scheduled_reviews_due_idx`.execute(db);
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists scheduled_reviews_due_idx on scheduled_reviews (due_at) where status = 'pending'`.execute(db);
  await sql`drop index if exists scheduled_reviews_pending_due_idx`.execute(db);
  for (const table of ['occurrences', 'scheduled_reviews'])
    for (const t of ['added', 'removed', 'changed', 'truncated'])
      await sql`drop trigger if exists ${sql.raw(`${table}_daily_${t}`)} on ${sql.table(table)}`.execute(db);
  for (const f of [
    'summary_daily_rebuild()',
    'summary_daily_truncated()',
    'summary_daily_trigger()',
    'summary_daily_apply(occurrences[], occurrences[])',
    'summary_reviews_apply(scheduled_reviews[], scheduled_reviews[])',
    'summary_review_class(text, timestamptz, timestamptz)',
    'summary_spans(date)',
    'summary_flag_entries(timestamptz, text, text, text, text[], text)',
    'summary_closure_entries(text, timestamptz, timestamptz, text, boolean)',
  ])
    await sql`drop function if exists ${sql.raw(f)}`.execute(db);
  await sql`drop table if exists summary_reviews_daily`.execute(db);
  await sql`drop table if exists summary_daily`.execute(db);
}

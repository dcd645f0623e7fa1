import { sql, type Kysely } from 'kysely';

/**
 * Issue 11, item 5: repeat counts that cost what the period costs, at force level too.
 *
 * `repeat_links` has one row per involvement: each victim and suspect ref of an occurrence (kind =
 * its role) and each occurrence's location ref (kind `location`), with the occurrence's flag time
 * and the flag times of the same ref's previous and next occurrence of that kind, ordered by flag
 * time, then occurrence id. From one row a summary can tell whether the ref has another occurrence
 * in its repeat window (docs/domain.md "Repeat victimisation"), and which row is the ref's last in
 * the period, so it counts each ref once without grouping by ref (db/summary/occurrence.queries.ts).
 *
 * Statement-level triggers keep it in step with `occurrence_people` and `occurrences` inside the
 * writing transaction, set-wise (one pass per statement over its transition table, so an import
 * batch costs one maintenance statement, not one per row): every writer (the feed, imports,
 * retention erasure, tests' seeds) keeps it right and none can forget to. A bulk load with
 * triggers off (session_replication_role = replica) calls `repeat_links_rebuild()` afterwards.
 *
 * Each trigger first takes a transaction-scoped advisory lock: two transactions adding occurrences
 * of one ref at once would otherwise each link its own row without seeing the other's, leaving
 * the ref with two "last" rows. Every statement after the lock reads a fresh snapshot, so the
 * second writer re-links over the first one's committed rows. Writers of occurrences already
 * queue on the audit chain's lock at commit, so this costs little concurrency.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table repeat_links (
    kind text not null,
    ref text not null,
    flagged_at timestamptz not null,
    occurrence_id uuid not null,
    prev_at timestamptz,
    next_at timestamptz,
    primary key (kind, ref, flagged_at, occurrence_id))`.execute(db);
  // Force level: the period's rows from the index alone.
  await sql`create index repeat_links_flagged_idx on repeat_links (flagged_at) include (kind, prev_at, next_at)`.execute(db);
  // District and own scopes: the links of the period's occurrences in scope; and deletes by occurrence.
  await sql`create index repeat_links_occurrence_idx on repeat_links (occurrence_id) include (kind, ref, flagged_at, prev_at, next_at)`.execute(
    db,
  );

  // Recomputes previous/next of every row of the given refs (paired arrays), writing only rows that change.
  await sql`create function repeat_links_relink(ks text[], rs text[]) returns void language sql as $$
    update repeat_links l set prev_at = x.prev_at, next_at = x.next_at
    from (select r.kind, r.ref, r.flagged_at, r.occurrence_id,
            lag(r.flagged_at) over w as prev_at, lead(r.flagged_at) over w as next_at
          from (select distinct kind, ref from unnest(ks, rs) as k(kind, ref)) k
          join repeat_links r on r.kind = k.kind and r.ref = k.ref
          window w as (partition by r.kind, r.ref order by r.flagged_at, r.occurrence_id)) x
    where l.kind = x.kind and l.ref = x.ref and l.flagged_at = x.flagged_at and l.occurrence_id = x.occurrence_id
      and (l.prev_at is distinct from x.prev_at or l.next_at is distinct from x.next_at)
  $$`.execute(db);

  // occurrence_people: rows added, removed or changed (a changed row is removed, then added).
  await sql`create function repeat_links_people() returns trigger language plpgsql as $$
    declare ks text[]; rs text[]; ks2 text[]; rs2 text[];
    begin
      perform pg_advisory_xact_lock(hashtext('hcc:repeat_links'));
      if tg_op in ('DELETE', 'UPDATE') then
        with gone as (delete from repeat_links l using removed d
                      where l.kind = d.role and l.ref = d.person_ref and l.occurrence_id = d.occurrence_id returning l.kind, l.ref)
        select array_agg(kind), array_agg(ref) into ks, rs from gone;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        with back as (insert into repeat_links (kind, ref, flagged_at, occurrence_id)
                      select a.role, a.person_ref, o.flagged_at, a.occurrence_id from added a join occurrences o on o.id = a.occurrence_id
                      returning kind, ref)
        select array_agg(kind), array_agg(ref) into ks2, rs2 from back;
      end if;
      perform repeat_links_relink(coalesce(ks, '{}') || coalesce(ks2, '{}'), coalesce(rs, '{}') || coalesce(rs2, '{}'));
      return null;
    end $$`.execute(db);
  await sql`create trigger occurrence_people_links_added after insert on occurrence_people
    referencing new table as added for each statement execute function repeat_links_people()`.execute(db);
  await sql`create trigger occurrence_people_links_removed after delete on occurrence_people
    referencing old table as removed for each statement execute function repeat_links_people()`.execute(db);
  await sql`create trigger occurrence_people_links_changed after update on occurrence_people
    referencing old table as removed new table as added for each statement execute function repeat_links_people()`.execute(db);

  // occurrences: the location link of each added row; every link of each removed row.
  await sql`create function repeat_links_occurrences() returns trigger language plpgsql as $$
    declare ks text[]; rs text[];
    begin
      perform pg_advisory_xact_lock(hashtext('hcc:repeat_links'));
      if tg_op = 'INSERT' then
        with back as (insert into repeat_links (kind, ref, flagged_at, occurrence_id)
                      select 'location', a.location_ref, a.flagged_at, a.id from added a where a.location_ref is not null
                      returning kind, ref)
        select array_agg(kind), array_agg(ref) into ks, rs from back;
      else
        with gone as (delete from repeat_links l using removed d where l.occurrence_id = d.id returning l.kind, l.ref)
        select array_agg(kind), array_agg(ref) into ks, rs from gone;
      end if;
      perform repeat_links_relink(ks, rs);
      return null;
    end $$`.execute(db);
  await sql`create trigger occurrences_links_added after insert on occurrences
    referencing new table as added for each statement execute function repeat_links_occurrences()`.execute(db);
  await sql`create trigger occurrences_links_removed after delete on occurrences
    referencing old table as removed for each statement execute function repeat_links_occurrences()`.execute(db);

  // An occurrence whose flag time or location changes (a feed update): its links are placed again.
  // Row-level with a WHEN, so the many updates that change neither (grades, status) cost nothing.
  await sql`create function repeat_links_occurrence_moved() returns trigger language plpgsql as $$
    declare ks text[]; rs text[]; ks2 text[]; rs2 text[];
    begin
      perform pg_advisory_xact_lock(hashtext('hcc:repeat_links'));
      with gone as (delete from repeat_links where occurrence_id = old.id returning kind, ref)
      select array_agg(kind), array_agg(ref) into ks, rs from gone;
      with back as (insert into repeat_links (kind, ref, flagged_at, occurrence_id)
                    select p.role, p.person_ref, new.flagged_at, new.id from occurrence_people p where p.occurrence_id = new.id
                    union all select 'location', new.location_ref, new.flagged_at, new.id where new.location_ref is not null
                    returning kind, ref)
      select array_agg(kind), array_agg(ref) into ks2, rs2 from back;
      perform repeat_links_relink(coalesce(ks, '{}') || coalesce(ks2, '{}'), coalesce(rs, '{}') || coalesce(rs2, '{}'));
      return null;
    end $$`.execute(db);
  await sql`create trigger occurrences_links_moved after update of flagged_at, location_ref on occurrences for each row
    when (old.flagged_at is distinct from new.flagged_at or old.location_ref is distinct from new.location_ref)
    execute function repeat_links_occurrence_moved()`.execute(db);

  // TRUNCATE fires no delete trigger: emptying either table empties the links it feeds.
  await sql`create function repeat_links_truncated() returns trigger language plpgsql as $$
    begin
      perform pg_advisory_xact_lock(hashtext('hcc:repeat_links'));
      if tg_table_name = 'occurrences' then delete from repeat_links;
      else delete from repeat_links where kind <> 'location';
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger occurrences_links_truncated after truncate on occurrences for each statement execute function repeat_links_truncated()`.execute(db);
  await sql`create trigger occurrence_people_links_truncated after truncate on occurrence_people
    for each statement execute function repeat_links_truncated()`.execute(db);

  // Every link from scratch, set-wise: the backfill below, and bulk loads that ran with triggers off.
  await sql`create function repeat_links_rebuild() returns void language sql as $$
    delete from repeat_links;
    insert into repeat_links (kind, ref, flagged_at, occurrence_id, prev_at, next_at)
    select kind, ref, flagged_at, occurrence_id, lag(flagged_at) over w, lead(flagged_at) over w
    from (select p.role as kind, p.person_ref as ref, o.flagged_at, o.id as occurrence_id
          from occurrence_people p join occurrences o on o.id = p.occurrence_id
          union all
          select 'location', o.location_ref, o.flagged_at, o.id from occurrences o where o.location_ref is not null) a
    window w as (partition by kind, ref order by flagged_at, occurrence_id)
  $$`.execute(db);
  await sql`select repeat_links_rebuild()`.execute(db);

  // Added for the summary's repeat counts alone (migration 2026-11-29T10), which now read repeat_links.
  await sql`drop index if exists occurrences_id_flagged_idx`.execute(db);
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists occurrences_id_flagged_idx on occurrences (id) include (flagged_at)`.execute(db);
  for (const [t, on] of [
    ['occurrence_people_links_added', 'occurrence_people'],
    ['occurrence_people_links_removed', 'occurrence_people'],
    ['occurrence_people_links_changed', 'occurrence_people'],
    ['occurrence_people_links_truncated', 'occurrence_people'],
    ['occurrences_links_added', 'occurrences'],
    ['occurrences_links_removed', 'occurrences'],
    ['occurrences_links_moved', 'occurrences'],
    ['occurrences_links_truncated', 'occurrences'],
  ] as const)
    await sql`drop trigger if exists ${sql.raw(t)} on ${sql.raw(on)}`.execute(db);
  for (const f of ['repeat_links_people()', 'repeat_links_occurrences()', 'repeat_links_occurrence_moved()', 'repeat_links_truncated()'])
    await sql`drop function if exists ${sql.raw(f)}`.execute(db);
  await sql`drop function if exists repeat_links_rebuild()`.execute(db);
  await sql`drop function if exists repeat_links_relink(text[], text[])`.execute(db);
  await sql`drop table if exists repeat_links`.execute(db);
}

/**
 * Set-wise bulk load for the issue 5 benchmark (generate_series and INSERT … SELECT): `count`
 * occurrences over the 3 years before `now` in 40 districts with the Home Office strand mix
 * (2024/25: race 67.6 %, sexual orientation 13.9 %, disability 8.2 %, religion 3.5 %,
 * transgender 1.8 %, and 5 % with two strands), sources and types as the feed sends them; those
 * flagged over 60 days ago 85 % closed or filed with an outcome and, for some, satisfaction; one
 * victim each from a pool of 0.8 × count refs and a suspect for 60 % from 0.5 × count (so there
 * are repeats), locations from 300,000 refs; a review for 70 % (80 % standard, 15 % medium, 5 %
 * high); the three reviews planned at the flag (task review, victim contact, coordinator review)
 * with the status, step and next step the sweep would have left (done on time, late, not
 * applicable, or pending); 600 delivery-plan actions; the repeat links and daily rollups built from them. Every index
 * of the migrations is in place.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { analyze, bulkLoad } from './schedule-seed.js';

/** Rows inserted per occurrences statement. */
const CHUNK = 250_000;

/** Occurrences [from, to] flagged over the 3 years before `now`. */
async function occurrences(db: Kysely<Database>, from: number, to: number, now: Date): Promise<void> {
  await sql`
    insert into occurrences (source, reference, recorded_as, offence, strands, flagged_at, allocated_at, district, location_ref, location_type,
      oic_upn, oic_name, supervisor_upn, supervisor_name, status, outcome, victim_satisfied, content_hash, closed_at, created_at, updated_at,
      current_review_version, current_risk_grade, current_reviewed_at)
    select (array['rms','rms','rms','rms','rms','rms','rms','online','third_party','manual'])[1 + g % 10], 'B/' || g,
      case when g % 8 = 0 then 'nchi' else 'crime' end, case when g % 8 = 0 then null else 'Racially or religiously aggravated harassment' end,
      case when r < 0.676 then array['race'] when r < 0.815 then array['sexual_orientation'] when r < 0.897 then array['disability']
           when r < 0.932 then array['religion'] when r < 0.950 then array['transgender'] when r < 0.975 then array['race','religion']
           when r < 0.987 then array['sexual_orientation','transgender'] when r < 0.992 then array['race','sexual_orientation']
           when r < 0.996 then array['race','disability'] else array['sexual_orientation','disability'] end,
      f, f + interval '2 hours', 'District ' || lpad((1 + g % 40)::text, 2, '0'), 'L-' || (g % 300000), 'street',
      'pc' || (g % 3000) || '@force.police.uk', 'PC ' || (g % 3000), 'ds' || (g % 400) || '@force.police.uk', 'DS ' || (g % 400),
      case when not c then 'open' when g % 5 = 0 then 'filed' else 'closed' end,
      case when c then (array['Charge/summons','Evidential difficulties','Investigation complete – no suspect identified','Out of court (informal)'])[1 + g % 4] end,
      case when c and s < 0.4 then s < 0.25 end, md5(g::text),
      case when c then f + interval '45 days' end, f, f,
      case when v < 0.7 then 1 else 0 end,
      case when v < 0.7 then case when q < 0.8 then 'standard' when q < 0.95 then 'medium' else 'high' end end,
      case when v < 0.7 then f + interval '3 days' end
    from (select g, r, s, f, v, q, f < ${now}::timestamptz - interval '60 days' and s < 0.85 as c
          from (select g, random() as r, random() as s, random() as v, random() as q, ${now}::timestamptz - random() * interval '1095 days' as f
                from generate_series(${from}::int, ${to}::int) g) y) x`.execute(db);
}

/**
 * Victims, suspects and reviews of every occurrence, with repeats. Each review is the one its
 * occurrence already names as current (loaded above): the bulk load runs with triggers off, so
 * the `reviews_current` trigger would not have kept them in step.
 */
async function peopleAndReviews(db: Kysely<Database>, count: number): Promise<void> {
  await sql`insert into occurrence_people (occurrence_id, role, person_ref, vulnerable, enhanced)
    select id, 'victim', 'PV-' || floor(random() * ${Math.ceil(count * 0.8)})::int, random() < 0.1, true from occurrences`.execute(db);
  await sql`insert into occurrence_people (occurrence_id, role, person_ref, vulnerable, enhanced)
    select id, 'suspect', 'PS-' || floor(random() * ${Math.ceil(count * 0.5)})::int, null, null from occurrences where random() < 0.6
    on conflict do nothing`.execute(db);
  await sql`insert into reviews (occurrence_id, version, risk_grade, risk_rationale, reviewer_name, reviewed_at)
    select id, current_review_version, current_risk_grade,
      case when current_risk_grade <> 'standard' then 'Repeat targeting; victim vulnerable' end, 'DS Hate Crime Coordinator', current_reviewed_at
    from occurrences where current_review_version > 0`.execute(db);
}

/**
 * The three reviews planned at the flag, as the sweep and the answers leave them: future ones
 * pending at step 0 or 1; past ones 93 % done (70 % on time), 5 % not applicable, 2 % pending
 * with the escalations sent so far (cancelled once the occurrence is closed).
 */
async function schedule(db: Kysely<Database>, now: Date): Promise<void> {
  await sql`insert into scheduled_reviews (occurrence_id, kind, seq, owner_role, due_at, status, completed_at, completed_by_name, step, next_step_at)
    select o.id, k.kind, 0, k.owner, d.due, st.status,
      case when st.status = 'done' then d.due + (case when x.r < 0.7 then interval '-2 hours' else interval '20 hours' end) end,
      case when st.status = 'done' then 'Bench owner' end,
      case when st.status <> 'pending' then 0 when d.due - interval '2 hours' > ${now} then 0 when d.due > ${now} then 1
           when d.due + interval '24 hours' > ${now} then 2 when d.due + interval '48 hours' > ${now} then 3 else 4 end,
      case when st.status <> 'pending' then null when d.due - interval '2 hours' > ${now} then d.due - interval '2 hours' when d.due > ${now} then d.due
           when d.due + interval '24 hours' > ${now} then d.due + interval '24 hours' when d.due + interval '48 hours' > ${now} then d.due + interval '48 hours' end
    from occurrences o
    cross join (values ('task_review', 'supervisor', interval '1 day'), ('victim_contact', 'supervisor', interval '1 day'), ('coordinator_review', 'coordinator', interval '10 days')) as k(kind, owner, after)
    cross join lateral (select o.flagged_at + k.after as due) d
    cross join lateral (select random() + 0 * extract(epoch from d.due) as r) x
    cross join lateral (select case when d.due > ${now} then 'pending' when x.r < 0.93 then 'done' when x.r < 0.98 then 'not_applicable'
                                    when o.status = 'open' then 'pending' else 'cancelled' end as status) st`.execute(db);
}

/** 600 delivery-plan actions over the six pillars and 40 districts. */
async function actions(db: Kysely<Database>, now: Date): Promise<void> {
  await sql`insert into actions (ref, objective, text, pillar, owner_kind, owner_agency, status, due_date, district)
    select 'A' || g, 'Objective ' || (g % 12), 'Action ' || g,
      (array['prevention','responding','increasing_reporting','supporting_victims','building_understanding','investigation_quality'])[1 + g % 6],
      'agency', 'City council', (array['not_started','in_progress','bau','completed'])[1 + g % 4], (${now}::date - 200 + g % 400),
      'District ' || lpad((1 + g % 40)::text, 2, '0')
    from generate_series(1, 600) g`.execute(db);
}

/** Loads `count` occurrences and everything a summary reads about them, then VACUUM ANALYZE; `progress` hears each step. */
export async function seedSummaryData(db: Kysely<Database>, count: number, now: Date, progress: (msg: string) => void): Promise<void> {
  await bulkLoad(db, async (conn) => {
    for (let from = 1; from <= count; from += CHUNK) {
      const to = Math.min(count, from + CHUNK - 1);
      await occurrences(conn, from, to, now);
      progress(`${to.toLocaleString('en-GB')} occurrences loaded`);
    }
    await peopleAndReviews(conn, count);
    progress('victims, suspects and reviews loaded');
    await schedule(conn, now);
    await actions(conn, now);
    // The load ran with triggers off: the repeat links (migration 2026-11-29T12) and the daily
    // rollups (2026-11-29T20) are built in one pass each.
    await sql`select repeat_links_rebuild()`.execute(conn);
    progress('repeat links built');
    await sql`select summary_daily_rebuild()`.execute(conn);
    progress('daily rollups built');
  });
  await analyze(db, ['occurrences', 'occurrence_people', 'repeat_links', 'reviews', 'scheduled_reviews', 'actions']);
  // The rollups are read by raw SQL only (db/summary/rollup.queries.ts), so they are not in the typed schema.
  for (const t of ['summary_daily', 'summary_reviews_daily']) await sql`vacuum (analyze) ${sql.table(t)}`.execute(db);
}

import { sql } from 'kysely';
import { ZONE } from '../time/london-time.js';
import type { Db } from '../schema.js';
import type { SummaryScope } from './access.policy.js';
import type { ScrutinyRow } from './anonymise.policy.js';
import { num, occurrenceScope } from './scope.sql.js';

const closedIn = (start: Date, end: Date) =>
  sql<boolean>`o.status <> 'open' and coalesce(o.closed_at, o.flagged_at) >= ${start} and coalesce(o.closed_at, o.flagged_at) < ${end}`;

/** How many closed or filed occurrences of the scope closed in [start, end) (index `occurrences_closed_cover_idx`). */
export async function countClosed(db: Db, scope: SummaryScope, start: Date, end: Date): Promise<number> {
  const r = await sql<{
    n: unknown;
  }>`select count(*) as n from occurrences o where ${closedIn(start, end)} and ${occurrenceScope(scope)}`.execute(db);
  return num(r.rows[0]?.n);
}

/**
 * The sampled occurrences (positions in id order among the closed ones, chosen by the caller
 * from a cryptographic random source), reading only the non-identifying columns of ScrutinyRow,
 * plus the internal id for the audit log (never shown).
 * Repeat victim: a victim ref in at least `repeatMin` occurrences within `repeatMonths` up to the flag.
 */
export async function sampleClosed(
  db: Db,
  scope: SummaryScope,
  start: Date,
  end: Date,
  positions: readonly number[],
  now: Date,
  repeat: { windowMonths: number; minOccurrences: number },
): Promise<(ScrutinyRow & { id: string })[]> {
  if (positions.length === 0) return [];
  const rows = await sql<ScrutinyRow & { id: string }>`
    with eligible as (
      select o.id, row_number() over (order by o.id) - 1 as rn from occurrences o
      where ${closedIn(start, end)} and ${occurrenceScope(scope)}),
    picked as (select id from eligible where rn in (${sql.join([...positions])}))
    select o.id, to_char(o.flagged_at at time zone ${sql.lit(ZONE)}, 'YYYY-MM') as flagged_month,
      to_char(o.closed_at at time zone ${sql.lit(ZONE)}, 'YYYY-MM') as closed_month,
      o.recorded_as, o.offence, o.strands, o.source, o.district, o.location_type, o.status, o.outcome, o.victim_satisfied,
      (select r.risk_grade from reviews r where r.occurrence_id = o.id order by r.version desc limit 1) as risk_grade,
      (select count(*) from occurrence_people p where p.occurrence_id = o.id and p.role = 'victim')::int as victims,
      (select count(*) from occurrence_people p where p.occurrence_id = o.id and p.role = 'suspect')::int as suspects,
      exists (select 1 from occurrence_people p where p.occurrence_id = o.id and p.role = 'victim' and p.vulnerable) as vulnerable,
      exists (
        select 1 from occurrence_people p
        join occurrence_people q on q.person_ref = p.person_ref and q.role = 'victim'
        join occurrences o2 on o2.id = q.occurrence_id
        where p.occurrence_id = o.id and p.role = 'victim'
          and o2.flagged_at > o.flagged_at - make_interval(months => ${repeat.windowMonths}) and o2.flagged_at <= o.flagged_at
        group by p.person_ref having count(distinct q.occurrence_id) >= ${repeat.minOccurrences}) as repeat_victim,
      rv.on_time::int as reviews_on_time, rv.late::int as reviews_late, rv.overdue::int as reviews_overdue,
      ck.checklist
    from picked join occurrences o on o.id = picked.id
    left join lateral (
      select count(*) filter (where sr.status = 'done' and sr.completed_at <= sr.due_at) as on_time,
        count(*) filter (where sr.status = 'done' and sr.completed_at > sr.due_at) as late,
        count(*) filter (where sr.status = 'pending' and sr.due_at < ${now}) as overdue
      from scheduled_reviews sr where sr.occurrence_id = o.id) rv on true
    left join lateral (
      select json_agg(json_build_object('label', d.item_label, 'decision', d.decision) order by d.item_key) as checklist
      from review_decisions d
      where d.review_id = (select r.id from reviews r where r.occurrence_id = o.id order by r.version desc limit 1)) ck on true`.execute(
    db,
  );
  return rows.rows;
}

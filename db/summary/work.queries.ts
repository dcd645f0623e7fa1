import { sql } from 'kysely';
import { OVERDUE_STATUSES } from '../actions/actions.model.js';
import type { Db } from '../schema.js';
import { londonDay } from '../time/london-time.js';
import type { SummaryScope } from './access.policy.js';
import { rollupCounts, type Rollup } from './rollup.queries.js';
import { actionScope, num, reviewScope } from './scope.sql.js';

/** From when review compliance counts: the COMPLIANCE_FROM date, or when the bot went live. */
export interface ComplianceStart {
  /** Reviews due before this instant are left out of compliance and of overdue counts. */
  from: Date;
  /** `setting`: COMPLIANCE_FROM (midnight Europe/London); `live`: the first occurrence the bot received. */
  basis: 'setting' | 'live';
}

/**
 * When review compliance starts counting (issue 13 item 6). A configured date (YYYY-MM-DD,
 * Europe/London midnight) wins. Otherwise it is the earliest `created_at` of any occurrence:
 * the moment the bot first received one, whether by a history load or live. History is loaded
 * when the bot starts, and its reviews fall due before that moment, so counting from it leaves
 * out what nobody could have reviewed on time (the planner does not schedule those either,
 * db/schedule/schedule.service.ts). The feed keeps no "imported" flag, so this is the one
 * point the data marks. Null when there is no setting and no occurrence yet.
 */
export async function complianceStart(db: Db, configured: string | null): Promise<ComplianceStart | null> {
  if (configured) return { from: londonDay(configured).toJSDate(), basis: 'setting' };
  const row = await db
    .selectFrom('occurrences')
    .select((eb) => eb.fn.min('created_at').as('first'))
    .executeTakeFirst();
  const first = row?.first as Date | string | null | undefined;
  return first ? { from: new Date(first), basis: 'live' } : null;
}

/**
 * Review compliance per kind over scheduled reviews due in [start, end) (end is never after
 * now; a start before `complianceStart` is moved up to it by the caller): done by the deadline,
 * done late, still pending (so overdue), not applicable; cancelled reviews are left out. At force
 * level a sum over the whole months and days in `summary_reviews_daily` (migration 2026-11-29T20) plus the
 * rows due in the partial days at the edges (`scheduled_reviews_due_cover_idx`); for other scopes
 * the scope's rows. Each row is classed by `summary_review_class`, as the rollup counts it.
 */
export async function compliance(
  db: Db,
  scope: SummaryScope,
  start: Date,
  end: Date,
): Promise<{ kind: string; onTime: number; late: number; overdueOpen: number; notApplicable: number }[]> {
  const figures: Rollup = {
    days: sql`(select span, day, kind as dim, class as value, n from summary_reviews_daily)`,
    from: scope.kind === 'force' ? sql`scheduled_reviews sr` : sql`scheduled_reviews sr join occurrences o on o.id = sr.occurrence_id`,
    where: sql<boolean>`sr.status <> 'cancelled' and ${reviewScope(scope)}`,
    time: sql<Date>`sr.due_at`,
    group: [
      [sql`sr.kind`, 'kind'],
      [sql`summary_review_class(sr.status, sr.completed_at, sr.due_at)`, 'class'],
    ],
    entries: sql`(select c.kind as dim, c.class as value) e`,
  };
  const rows = await rollupCounts(scope, [{ part: 0, start, end }], figures).execute(db);
  const byKind = new Map<string, { kind: string; onTime: number; late: number; overdueOpen: number; notApplicable: number }>();
  const field = { on_time: 'onTime', late: 'late', pending: 'overdueOpen', not_applicable: 'notApplicable' } as const;
  for (const r of rows.rows) {
    const row = byKind.get(r.dim) ?? { kind: r.dim, onTime: 0, late: 0, overdueOpen: 0, notApplicable: 0 };
    row[field[r.value as keyof typeof field]] += num(r.n);
    byKind.set(r.dim, row);
  }
  return [...byKind.values()];
}

/**
 * Pending reviews past due at `now` (and due from `from` on, when given: see complianceStart), by
 * owner (the OIC's or supervisor's name as the feed gave it, or "Coordinator (<district>)"), most
 * first, top `limit`; and the total. The pending reviews come from the partial index
 * `scheduled_reviews_pending_due_idx` alone (migration 2026-11-29T20), counted per occurrence and
 * owner role; each occurrence is then read by its key (a lateral LIMIT keeps the planner from
 * scanning every occurrence to hash them).
 */
export async function overdueByOwner(
  db: Db,
  scope: SummaryScope,
  now: Date,
  from: Date | null = null,
  limit = 10,
): Promise<{ total: number; owners: { owner: string; count: number }[] }> {
  const rows = await sql<{ owner: string; n: unknown; total: unknown }>`
    select owner, n, sum(n) over () as total from (
      select case sr.owner_role
          when 'oic' then coalesce(o.oic_name, o.oic_upn, 'OIC not recorded')
          when 'supervisor' then coalesce(o.supervisor_name, o.supervisor_upn, 'Supervisor not recorded')
          else 'Coordinator (' || o.district || ')' end as owner,
        sum(sr.n) as n
      from (select occurrence_id, owner_role, count(*) as n from scheduled_reviews
            where status = 'pending' and due_at < ${now} and due_at >= ${from ?? new Date(0)} group by 1, 2) sr
      cross join lateral (select o.oic_name, o.oic_upn, o.supervisor_name, o.supervisor_upn, o.district from occurrences o
                          where o.id = sr.occurrence_id and ${reviewScope(scope)} limit 1) o
      group by 1) t
    order by n desc, owner
    limit ${limit}`.execute(db);
  return { total: num(rows.rows[0]?.total), owners: rows.rows.map((r) => ({ owner: r.owner, count: num(r.n) })) };
}

/**
 * Delivery-plan actions by pillar and status now, and how many are overdue on `today` (YYYY-MM-DD).
 * A district summary counts that district's actions (their holder's district, db/actions/districts.ts)
 * and force-wide ones, which are every district's work; a force summary counts all (actionScope).
 */
export async function actionProgress(
  db: Db,
  scope: SummaryScope,
  today: string,
): Promise<{ cells: { pillar: string; status: string; n: number }[]; overdue: number }> {
  const rows = await sql<{ g: number; pillar: string | null; status: string | null; n: unknown; overdue: unknown }>`
    select grouping(a.pillar, a.status) as g, a.pillar, a.status, count(*) as n,
      count(*) filter (where a.due_date < ${today}::date and a.status in (${sql.join([...OVERDUE_STATUSES])})) as overdue
    from actions a
    where ${actionScope(scope)}
    group by grouping sets ((a.pillar, a.status), ())`.execute(db);
  const cells = rows.rows.filter((r) => num(r.g) === 0).map((r) => ({ pillar: r.pillar!, status: r.status!, n: num(r.n) }));
  return { cells, overdue: num(rows.rows.find((r) => num(r.g) !== 0)?.overdue) };
}

/** The oldest overdue actions (ref, pillar, owner's name or agency, due date), at most `limit`. */
export async function overdueActions(
  db: Db,
  scope: SummaryScope,
  today: string,
  limit = 5,
): Promise<{ ref: string; pillar: string; owner: string; dueDate: string }[]> {
  const rows = await sql<{ ref: string; pillar: string; owner: string; due: string }>`
    select a.ref, a.pillar, coalesce(a.owner_agency, u.name, a.owner_upn, 'no owner') as owner, to_char(a.due_date, 'YYYY-MM-DD') as due
    from actions a left join users u on u.id = a.owner_user_id
    where a.due_date < ${today}::date and a.status in (${sql.join([...OVERDUE_STATUSES])}) and ${actionScope(scope)}
    order by a.due_date, a.ref
    limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({ ref: r.ref, pillar: r.pillar, owner: r.owner, dueDate: r.due }));
}

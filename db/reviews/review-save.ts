import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { CommitOutcomeUnknownError, DatabaseUnavailableError, isConnectionLost, withRetry } from '../transactions.js';
import type { ReviewAnswers } from './checklist.policy.js';
import { openFollowUpsSql, type FollowUpRow } from '../schedule/follow-ups.service.js';
import type { ScheduledReview } from '../schedule/schedule.service.js';
import { scheduledFromJson, type JsonScheduled } from './review-card.read.js';

// The save of an HCC review as one statement (issue 11, item 1). A statement is its own
// transaction, so the lock, the review, its decisions, the audit entry, the coordinator review's
// completion and the card refresh queue commit together, in one round trip, with no re-read: the
// locked row carries the current version (migration 2026-11-29T03 keeps it by trigger), and the
// statement returns the schedule it leaves for the card.

/** What the save came to: `reviewId` null when the card was stale (only the refusal was audited). */
export interface SaveResult {
  /** The version current when the row was locked (before this save). */
  currentVersion: number;
  reviewId: string | null;
  /** Card updates queued in the outbox (posted copies of the card). */
  queued: number;
  /** The occurrence's review schedule after the save (by deadline, then kind), read by the save itself. */
  schedule: ScheduledReview[];
}

/** What the statement needs; the answers have passed checkAnswers and the reviewer the access rule. */
export interface SaveInput {
  occurrenceId: string;
  /** The district the access rule was asked about: a row moved to another district since is not written. */
  district: string;
  expectedVersion: number;
  answers: ReviewAnswers;
  /** Each item's label as the reviewer saw it (crime or NCHI wording). */
  labels: ReadonlyMap<string, string>;
  reviewer: { userId: string | null; name: string; label: string };
  now: Date;
  /** The follow-up tasks the grade opens, and the kinds of pending ones it closes (follow-ups.service.ts gradeTasks). */
  tasks: { open: readonly FollowUpRow[]; cancel: readonly string[] };
}

/**
 * Saves the next version of a review, or (when `expectedVersion` is no longer current) audits the
 * stale attempt with its answers and saves nothing. The row lock queues concurrent submits on one
 * occurrence, so exactly one sees each version.
 *
 * Lost connections (db/transactions.ts `withRetry` retries a dropped one once): an error the
 * server sent (any SQLSTATE, 57P01 included) means the statement was rolled back, and a
 * connection known dead before sending means it never ran. A connection that dropped after the
 * statement went out is asked about: the review this save would have written (next version, this
 * reviewer, this time) is looked for on a fresh connection. Found: CommitOutcomeUnknownError, so
 * the caller reads back and shows what is saved. Not found: rolled back, retried. A retry can
 * never save twice: the statement writes only while the version is the expected one.
 * @returns null when the occurrence is gone or no longer in `district` (nothing written)
 */
export function saveReview(db: Kysely<Database>, input: SaveInput): Promise<SaveResult | null> {
  return withRetry(async () => {
    try {
      return await saveStatement(db, input);
    } catch (e) {
      if (!outcomeUnknown(e)) throw e;
      const saved = await wasSaved(db, input).catch((checkError: unknown) => {
        throw new CommitOutcomeUnknownError(
          `connection lost during the save, and then while checking it: ${(checkError as Error).message}`,
          {
            cause: e,
          },
        );
      });
      if (saved) throw new CommitOutcomeUnknownError(`connection lost as the save was answered: ${(e as Error).message}`, { cause: e });
      throw e;
    }
  });
}

/**
 * Whether the review this save writes is in the database (the outcome of a save whose answer was
 * lost). Asked up to 3 times, 50 ms apart: after a restart or failover the pool may still hold
 * connections the server closed, and it sees so only as they fail.
 */
async function wasSaved(db: Kysely<Database>, input: SaveInput): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    try {
      const row = await db
        .selectFrom('reviews')
        .select('id')
        .where('occurrence_id', '=', input.occurrenceId)
        .where('version', '=', input.expectedVersion + 1)
        .where('reviewer_name', '=', input.reviewer.name)
        .where('reviewed_at', '=', input.now)
        .executeTakeFirst();
      return row !== undefined;
    } catch (e) {
      if (attempt >= 3 || !isConnectionLost(e)) throw e;
    }
  }
}

/** A lost connection that neither the server reported (an SQLSTATE) nor was known before the statement was sent. */
function outcomeUnknown(e: unknown): boolean {
  if (!isConnectionLost(e) || e instanceof DatabaseUnavailableError) return false;
  for (let err = e, depth = 0; err && typeof err === 'object' && depth < 5; err = (err as { cause?: unknown }).cause, depth++) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return false;
    const message = (err as { message?: unknown }).message;
    if (typeof message === 'string' && /not queryable|timeout exceeded when trying to connect|pglite is closed/i.test(message))
      return false;
  }
  return true;
}

async function saveStatement(db: Kysely<Database>, input: SaveInput): Promise<SaveResult | null> {
  const { answers, reviewer, now } = input;
  const decisions = answers.decisions.map((d) => ({
    item_key: d.itemKey,
    item_label: input.labels.get(d.itemKey) ?? d.itemKey,
    decision: d.decision,
    note: d.note,
  }));
  const answersJson = JSON.stringify(answers);
  const rev = sql<boolean>`exists (select 1 from rev)`;
  // A statement-level trigger fires for a write even when it touches no row, so the writes this
  // save cannot need (known here from the answers and the grade) are left out of the statement.
  const removing = answers.nchi?.subjectRefs === 'remove';
  const opening = input.tasks.open.length > 0;
  const cancelling = input.tasks.cancel.length > 0;
  const none = sql``;
  const written = ['completed', ...(opening ? ['tasks'] : []), ...(cancelling ? ['untasked'] : [])];
  // Every CTE runs to completion whether or not the final select reads it; those that write
  // only do so when `rev` inserted a row (the version matched).
  const { rows } = await sql<{ current_version: number; review_id: string | null; queued: string | number; schedule: JsonScheduled[] }>`
    with occ as (
      select id, current_review_version as version, current_risk_grade as grade
      from occurrences where id = ${input.occurrenceId}::uuid and district = ${input.district}::text
      for update
    ),
    rev as (
      insert into reviews (occurrence_id, version, risk_grade, risk_rationale, reviewer_user_id, reviewer_name, reviewed_at,
        nchi_threshold_met, nchi_subject_refs)
      select id, version + 1, ${answers.riskGrade}::text, ${answers.riskRationale}::text, ${reviewer.userId}::uuid, ${reviewer.name}::text,
        ${now}::timestamptz, ${answers.nchi?.thresholdMet ?? null}::boolean, ${answers.nchi?.subjectRefs ?? null}::text
      from occ where version = ${input.expectedVersion}::int
      returning id, version
    ),
    ${
      // NCHI Code of Practice 2023: no real risk recorded, so the subject's refs go with the review.
      removing
        ? sql`removed as (
      delete from occurrence_people
      where occurrence_id = ${input.occurrenceId}::uuid and role in ('suspect', 'subject') and ${rev}
      returning 1
    ),`
        : none
    }
    decided as (
      insert into review_decisions (review_id, item_key, item_label, decision, note)
      select rev.id, d.item_key, d.item_label, d.decision, d.note
      from rev cross join jsonb_to_recordset(${JSON.stringify(decisions)}::jsonb) as d(item_key text, item_label text, decision text, note text)
    ),
    completed as (
      update scheduled_reviews set status = 'done', outcome = 'hcc_review', completed_by = ${reviewer.userId}::uuid,
        completed_by_name = ${reviewer.name}::text, completed_at = ${now}::timestamptz, next_step_at = null, snoozed_until = null,
        updated_at = ${now}::timestamptz
      where occurrence_id = ${input.occurrenceId}::uuid and kind = 'coordinator_review' and status = 'pending' and ${rev}
      returning *
    ),
    ${
      // The grade's follow-up tasks (issue 12 item 3): high opens them, a lower grade closes those still pending.
      opening ? sql`tasks as (${openFollowUpsSql(input.occurrenceId, JSON.stringify(input.tasks.open), now, rev)}),` : none
    }
    ${
      cancelling
        ? sql`untasked as (
      update scheduled_reviews set status = 'cancelled', next_step_at = null, updated_at = ${now}::timestamptz
      where occurrence_id = ${input.occurrenceId}::uuid and status = 'pending' and kind = any(${[...input.tasks.cancel]}::text[]) and ${rev}
      returning *
    ),`
        : none
    }
    queued as (
      -- the outbox's review_card payload (db/outbox OutboxPayload), one in-place update per posted copy
      insert into outbox (dedupe_key, kind, conversation_id, payload, next_attempt_at)
      select 'review-card-update:' || p.conversation_id || ':' || p.activity_id || ':review:' || rev.id, 'review_card', p.conversation_id,
        jsonb_build_object('type', 'review_card', 'occurrenceId', p.occurrence_id, 'mode', 'update', 'activityId', p.activity_id),
        ${now}::timestamptz
      from rev join card_posts p on p.occurrence_id = ${input.occurrenceId}::uuid
      on conflict (dedupe_key) do nothing
      returning 1
    ),
    audited as (
      insert into audit_log (actor, action, entity_type, entity_id, details)
      select ${reviewer.label}::text,
        case when rev.id is null then 'review.stale_rejected' when occ.version = 0 then 'review.submitted' else 'review.regraded' end,
        'occurrence', ${input.occurrenceId}::text,
        case when rev.id is null
          then jsonb_build_object('expectedVersion', ${input.expectedVersion}::int, 'currentVersion', occ.version, 'answers', ${answersJson}::jsonb)
          else jsonb_build_object('reviewId', rev.id, 'version', rev.version, 'previousGrade', occ.grade) || ${answersJson}::jsonb
        end
      from occ left join rev on true
      -- One insert for all entries, so the audit chain's trigger orders them.
      ${
        removing
          ? sql`union all
      select ${reviewer.label}::text, 'nchi.subject_refs_removed', 'occurrence', ${input.occurrenceId}::text,
        jsonb_build_object('reviewId', rev.id, 'removed', (select count(*) from removed),
          'reason', 'NCHI Code of Practice 2023: no real risk of significant harm or of a future criminal offence recorded')
      from rev where exists (select 1 from removed)`
          : none
      }
      ${
        opening
          ? sql`union all
      select ${reviewer.label}::text, 'schedule.added', 'occurrence', ${input.occurrenceId}::text,
        jsonb_build_object('reason', 'graded high', 'reviews', (select jsonb_agg(jsonb_build_object('kind', t.kind, 'seq', 0, 'dueAt', t.due_at)) from tasks t))
      from rev where exists (select 1 from tasks)`
          : none
      }
      ${
        cancelling
          ? sql`union all
      select ${reviewer.label}::text, 'schedule.cancelled', 'occurrence', ${input.occurrenceId}::text,
        jsonb_build_object('reason', 'graded ' || ${answers.riskGrade}::text, 'kinds', (select jsonb_agg(u.kind) from untasked u))
      from rev where exists (select 1 from untasked)`
          : none
      }
    )
    select occ.version as current_version, rev.id as review_id, (select count(*) from queued) as queued,
      -- The schedule as this statement leaves it (its own writes are not visible to a plain read of the
      -- table here): the rows it did not touch, and those it wrote as they returned them.
      (select coalesce(jsonb_agg(to_jsonb(x) order by x.due_at, x.kind), '[]'::jsonb) from (
        select s.* from scheduled_reviews s
        where s.occurrence_id = ${input.occurrenceId}::uuid and s.id not in (${sql.join(
          written.map((t) => sql`select id from ${sql.table(t)}`),
          sql` union all `,
        )})
        ${sql.join(
          written.map((t) => sql`union all select * from ${sql.table(t)}`),
          sql` `,
        )}) x) as schedule
    from occ left join rev on true`.execute(db);
  const r = rows[0];
  return r
    ? { currentVersion: r.current_version, reviewId: r.review_id, queued: Number(r.queued), schedule: r.schedule.map(scheduledFromJson) }
    : null;
}

import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { allow, canAnswerPrompt, covers, FORCE_WIDE, holds, named, type Actor, type PromptFacts } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { reviewChannelsByDistrict } from '../conversations/conversations.service.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { OccurrenceRow } from '../occurrences/occurrences.table.js';
import { enqueueMessages, type OutboxMessage, type ReviewPromptPayload } from '../outbox/outbox.service.js';
import type { Database, Db } from '../schema.js';
import { withRetry } from '../transactions.js';
import { ownerUnreachable, ownerUpn, promptTargets, type PromptTarget } from './owner.policy.js';
import { planReviews, REVIEW_TITLES, type ReviewKind, type ReviewPolicy } from './schedule.policy.js';
import { nextEvent, nextStepAt, type StepName, type StepTiming } from './schedule.steps.js';
import type { ScheduledReviewRow } from './schedule.table.js';

export { DEFAULT_REVIEW_POLICY, REVIEW_KINDS, REVIEW_TITLES, reviewPolicySchema, type ReviewKind, type ReviewPolicy } from './schedule.policy.js';
export { addWorkingDays, isWorkingDay } from './working-days.js';
export { snoozeUntil, type SnoozeChoice } from './schedule.steps.js';
export type { StepName, StepTiming } from './schedule.steps.js';

/** Review scheduling settings (issue 3; defaults in domain.md "Review cadence"). */
export interface ScheduleConfig {
  policy: ReviewPolicy;
  steps: StepTiming;
  /** Reviews due more than this many days before the bot first held the occurrence are not scheduled. */
  backfillDays: number;
}

const ZONE = 'Europe/London';

/** A scheduled review as cards and commands show it. */
export interface ScheduledReview {
  id: string;
  occurrenceId: string;
  kind: ReviewKind;
  seq: number;
  title: string;
  ownerRole: string;
  dueAt: Date;
  status: 'pending' | 'done' | 'not_applicable' | 'cancelled';
  outcome: string | null;
  note: string | null;
  completedByName: string | null;
  completedAt: Date | null;
  snoozedUntil: Date | null;
  step: number;
}

const toReview = (r: ScheduledReviewRow): ScheduledReview => ({
  id: r.id,
  occurrenceId: r.occurrence_id,
  kind: r.kind as ReviewKind,
  seq: r.seq,
  title: r.kind === 'monthly_review' ? `${REVIEW_TITLES.monthly_review} (month ${r.seq})` : REVIEW_TITLES[r.kind as ReviewKind],
  ownerRole: r.owner_role,
  dueAt: r.due_at,
  status: r.status,
  outcome: r.outcome,
  note: r.note,
  completedByName: r.completed_by_name,
  completedAt: r.completed_at,
  snoozedUntil: r.snoozed_until,
  step: r.step,
});

/**
 * Brings an occurrence's review schedule in line with the policy after it was created or
 * updated through the feed (allocated, closed, reopened): adds missing reviews, moves pending
 * deadlines, cancels pending reviews that no longer apply. Every change is audited.
 */
export async function syncSchedule(trx: Db, occ: OccurrenceRow, cfg: ScheduleConfig, now: Date, actor: string): Promise<void> {
  const horizon = new Date(now.getTime() + 31 * 86_400_000);
  const cutoff = new Date(occ.created_at.getTime() - cfg.backfillDays * 86_400_000);
  const planned = planReviews(
    {
      recordedAs: occ.recorded_as as 'crime' | 'nchi',
      status: occ.status as 'open' | 'filed' | 'closed',
      flaggedAt: occ.flagged_at,
      allocatedAt: occ.allocated_at,
      closedAt: occ.closed_at,
    },
    cfg.policy,
    horizon,
  ).filter((p) => p.dueAt >= cutoff);
  const existing = await trx.selectFrom('scheduled_reviews').selectAll().where('occurrence_id', '=', occ.id).execute();
  const key = (k: string, s: number) => `${k}#${s}`;
  const byKey = new Map(existing.map((e) => [key(e.kind, e.seq), e]));
  const wanted = new Set(planned.map((p) => key(p.kind, p.seq)));
  const audits: Parameters<typeof recordAudit>[1][] = [];
  for (const p of planned) {
    const e = byKey.get(key(p.kind, p.seq));
    if (!e) {
      await trx
        .insertInto('scheduled_reviews')
        .values({ occurrence_id: occ.id, kind: p.kind, seq: p.seq, owner_role: p.ownerRole, due_at: p.dueAt, next_step_at: nextStepAt(p.dueAt, 0, null, cfg.steps), outcome: null, note: null, completed_by: null, completed_by_name: null, completed_at: null, snoozed_until: null })
        .execute();
      audits.push({ actor, action: 'schedule.added', entityType: 'occurrence', entityId: occ.id, details: { kind: p.kind, seq: p.seq, dueAt: p.dueAt.toISOString() } });
    } else if (e.status === 'cancelled' || (e.status === 'pending' && e.due_at.getTime() !== p.dueAt.getTime())) {
      await trx
        .updateTable('scheduled_reviews')
        .set({ status: 'pending', due_at: p.dueAt, step: e.status === 'cancelled' ? 0 : e.step, next_step_at: nextStepAt(p.dueAt, e.status === 'cancelled' ? 0 : e.step, e.snoozed_until, cfg.steps), updated_at: now })
        .where('id', '=', e.id)
        .execute();
      audits.push({ actor, action: e.status === 'cancelled' ? 'schedule.reinstated' : 'schedule.rescheduled', entityType: 'occurrence', entityId: occ.id, details: { kind: p.kind, seq: p.seq, from: e.due_at.toISOString(), to: p.dueAt.toISOString() } });
    }
  }
  for (const e of existing) {
    if (e.status === 'pending' && !wanted.has(key(e.kind, e.seq))) {
      await trx.updateTable('scheduled_reviews').set({ status: 'cancelled', next_step_at: null, updated_at: now }).where('id', '=', e.id).execute();
      audits.push({ actor, action: 'schedule.cancelled', entityType: 'occurrence', entityId: occ.id, details: { kind: e.kind, seq: e.seq, reason: `occurrence is ${occ.status}` } });
    }
  }
  await recordAudit(trx, ...audits);
}

/**
 * Schedules newly created occurrences set-wise (one insert for all their reviews, one audit entry
 * per occurrence); the same rules as syncSchedule for an occurrence with no schedule yet.
 */
export async function scheduleNewOccurrences(trx: Db, occs: readonly OccurrenceRow[], cfg: ScheduleConfig, now: Date, actor: string): Promise<void> {
  const horizon = new Date(now.getTime() + 31 * 86_400_000);
  const rows = [];
  const audits: Parameters<typeof recordAudit>[1][] = [];
  for (const occ of occs) {
    const cutoff = new Date(occ.created_at.getTime() - cfg.backfillDays * 86_400_000);
    const planned = planReviews(
      { recordedAs: occ.recorded_as as 'crime' | 'nchi', status: occ.status as 'open' | 'filed' | 'closed', flaggedAt: occ.flagged_at, allocatedAt: occ.allocated_at, closedAt: occ.closed_at },
      cfg.policy,
      horizon,
    ).filter((p) => p.dueAt >= cutoff);
    for (const p of planned) {
      rows.push({ occurrence_id: occ.id, kind: p.kind, seq: p.seq, owner_role: p.ownerRole, due_at: p.dueAt, next_step_at: nextStepAt(p.dueAt, 0, null, cfg.steps), outcome: null, note: null, completed_by: null, completed_by_name: null, completed_at: null, snoozed_until: null });
    }
    if (planned.length) audits.push({ actor, action: 'schedule.added', entityType: 'occurrence', entityId: occ.id, details: { reviews: planned.map((p) => ({ kind: p.kind, seq: p.seq, dueAt: p.dueAt.toISOString() })) } });
  }
  for (let i = 0; i < rows.length; i += 1000) await trx.insertInto('scheduled_reviews').values(rows.slice(i, i + 1000)).execute();
  for (let i = 0; i < audits.length; i += 1000) await recordAudit(trx, ...audits.slice(i, i + 1000));
}

/** The review schedule of an occurrence, by deadline. */
export async function scheduleFor(db: Db, occurrenceId: string): Promise<ScheduledReview[]> {
  const rows = await db.selectFrom('scheduled_reviews').selectAll().where('occurrence_id', '=', occurrenceId).orderBy('due_at').orderBy('kind').execute();
  return rows.map(toReview);
}

/** The step from which a prompt has gone past its owner (STEP_NAMES: 3 = escalate_supervisor). */
const ESCALATED_STEP = 3;

/**
 * What the access rule needs of a prompt (db/access canAnswerPrompt). A prompt is escalated once
 * it reached the supervisor step, or when its OIC or supervisor cannot be reached in Teams (the
 * sweep then posts it to the review channel for the coordinators).
 */
export async function promptFacts(db: Db, r: Pick<ScheduledReview, 'ownerRole' | 'step'>, occ: Pick<OccurrenceRow, 'district' | 'oic_upn' | 'supervisor_upn'>): Promise<PromptFacts> {
  const unreachable = ownerUnreachable(r.ownerRole, r.ownerRole === 'coordinator' ? [] : await reachableUsers(db, { upn: ownerUpn(r.ownerRole, occ) }));
  return { ownerRole: r.ownerRole as PromptFacts['ownerRole'], escalated: r.step >= ESCALATED_STEP || unreachable, district: occ.district, oicUpn: occ.oic_upn, supervisorUpn: occ.supervisor_upn };
}

/** One scheduled review with its occurrence, or null. */
export async function getScheduledReview(db: Db, id: string): Promise<{ review: ScheduledReview; occurrence: OccurrenceRow } | null> {
  const r = await db.selectFrom('scheduled_reviews').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return null;
  const occurrence = await db.selectFrom('occurrences').selectAll().where('id', '=', r.occurrence_id).executeTakeFirstOrThrow();
  return { review: toReview(r), occurrence };
}

/** Users (with a Teams id) who hold `upn`, or who coordinate the district. */
async function reachableUsers(db: Db, who: { upn?: string | null; coordinatorsOf?: string }): Promise<string[]> {
  if (who.upn) {
    const u = await db.selectFrom('users').select('id').where('upn', '=', who.upn.toLowerCase()).where('teams_id', 'is not', null).executeTakeFirst();
    return u ? [u.id] : [];
  }
  if (who.coordinatorsOf) {
    const district = who.coordinatorsOf.toLowerCase();
    const rows = await db
      .selectFrom('users')
      .select(['id', 'districts'])
      .where('teams_id', 'is not', null)
      .where(sql<boolean>`'coordinator' = any(roles)`)
      .execute();
    // Need to know: only coordinators whose roster covers the district (`*` force-wide; empty none).
    return rows.filter((r) => covers(r, district)).map((r) => r.id);
  }
  return [];
}


async function targetsFor(trx: Db, r: ScheduledReviewRow, occ: OccurrenceRow, event: StepName): Promise<PromptTarget[]> {
  const channels = async () => (await reviewChannelsByDistrict(trx, [occ.district])).get(occ.district) ?? [];
  let users: string[] = [];
  if (event === 'escalate_channel') return (await channels()).map((c) => ({ conversationId: c, unreachable: false }));
  if (event === 'escalate_supervisor') {
    users = r.owner_role === 'oic' ? await reachableUsers(trx, { upn: occ.supervisor_upn }) : await reachableUsers(trx, { coordinatorsOf: occ.district });
  } else {
    users = r.owner_role === 'coordinator' ? await reachableUsers(trx, { coordinatorsOf: occ.district }) : await reachableUsers(trx, { upn: ownerUpn(r.owner_role, occ) });
  }
  return promptTargets(users, users.length ? [] : await channels());
}

/**
 * One sweep round: claims scheduled reviews whose next step has come (FOR UPDATE SKIP LOCKED, so
 * replicas never take the same row), queues each step's messages in the outbox with a dedupe key
 * per review, step and recipient, and advances the step in the same transaction. A crash rolls
 * back both; a second replica finds the rows taken or already advanced. Cost follows the due count.
 * @returns how many reviews were processed
 */
export async function sweepDueReviews(conn: Kysely<Database>, cfg: ScheduleConfig, now: Date, limit = 200): Promise<number> {
  return withRetry(() =>
    conn.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('scheduled_reviews')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_step_at', '<=', now)
        .orderBy('next_step_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      if (due.length === 0) return 0;
      const occurrences = await trx.selectFrom('occurrences').selectAll().where('id', 'in', [...new Set(due.map((d) => d.occurrence_id))]).execute();
      const occById = new Map(occurrences.map((o) => [o.id, o]));
      const messages: OutboxMessage[] = [];
      for (const r of due) {
        const occ = occById.get(r.occurrence_id)!;
        const ev = nextEvent(r.due_at, r.step, r.snoozed_until, now, cfg.steps);
        if (ev) {
          for (const t of await targetsFor(trx, r, occ, ev.event)) {
            const payload: ReviewPromptPayload = { type: 'review_prompt', scheduledReviewId: r.id, step: ev.event, mode: 'post', unreachable: t.unreachable, district: occ.district };
            messages.push({ dedupeKey: `sr:${r.id}:${ev.event}:${ev.event === 'snoozed' ? r.snooze_count : 0}:${t.conversationId}`, conversationId: t.conversationId, payload });
          }
        }
        const step = ev?.step ?? r.step;
        const snoozedUntil = ev?.clearSnooze ? null : r.snoozed_until;
        await trx.updateTable('scheduled_reviews').set({ step, snoozed_until: snoozedUntil, next_step_at: nextStepAt(r.due_at, step, snoozedUntil, cfg.steps), updated_at: now }).where('id', '=', r.id).execute();
        // A monthly review reaching its deadline plans the next month while the occurrence is open.
        if (r.kind === 'monthly_review' && step >= 2 && occ.status === 'open') await syncSchedule(trx, occ, cfg, now, 'system:sweep');
      }
      await enqueueMessages(trx, messages, now);
      return due.length;
    }),
  );
}

/** An answer to a review prompt. */
export type PromptAnswer =
  | { answer: 'done'; outcome: 'contacted' | 'could_not_contact' | 'declined' | 'done'; note: string | null }
  | { answer: 'not_applicable'; reason: string }
  | { answer: 'snooze'; until: Date };

export type AnswerOutcome = { status: 'saved'; review: ScheduledReview } | { status: 'already'; review: ScheduledReview };

/**
 * Records an answer to a scheduled review: done (victim contact needs contacted, could not
 * contact or declined), not applicable (with a reason), or snooze. A review already answered is
 * not overwritten (`already`). Updates every posted prompt and the occurrence's review card; audited.
 * @throws ForbiddenError unless the access rule lets the actor answer it (db/access canAnswerPrompt)
 */
export async function answerScheduledReview(
  conn: Kysely<Database>,
  input: { id: string; answer: PromptAnswer; actor: Actor; cfg: ScheduleConfig; now: Date },
  onChanged: (trx: Db, occurrenceId: string, cause: string) => Promise<void>,
): Promise<AnswerOutcome> {
  return withRetry(() =>
    conn.transaction().execute(async (trx) => {
      const r = await trx.selectFrom('scheduled_reviews').selectAll().where('id', '=', input.id).forUpdate().executeTakeFirst();
      if (!r) throw new NotFoundError('that review no longer exists');
      const occ = await trx.selectFrom('occurrences').selectAll().where('id', '=', r.occurrence_id).executeTakeFirstOrThrow();
      const a = input.actor;
      allow(canAnswerPrompt(a, await promptFacts(trx, { ownerRole: r.owner_role, step: r.step }, occ)));
      if (r.status !== 'pending') return { status: 'already' as const, review: toReview(r) };
      const ans = input.answer;
      if (ans.answer === 'done' && r.kind === 'victim_contact' && ans.outcome === 'done') {
        throw new ValidationError('say how the victim contact went', [{ path: 'outcome', message: 'choose contacted, could not contact or declined' }]);
      }
      if (ans.answer === 'not_applicable' && !ans.reason.trim()) throw new ValidationError('a reason is needed', [{ path: 'reason', message: 'say why the review does not apply' }]);
      if (ans.answer === 'snooze' && ans.until <= input.now) throw new ValidationError('a snooze must end in the future', [{ path: 'snooze', message: 'choose a later time' }]);
      const set =
        ans.answer === 'snooze'
          ? { snoozed_until: ans.until, snooze_count: r.snooze_count + 1, next_step_at: nextStepAt(r.due_at, r.step, ans.until, input.cfg.steps) }
          : {
              status: ans.answer === 'done' ? ('done' as const) : ('not_applicable' as const),
              outcome: ans.answer === 'done' ? ans.outcome : null,
              note: ans.answer === 'done' ? ans.note : ans.reason.trim(),
              completed_by: a.userId,
              completed_by_name: a.name,
              completed_at: input.now,
              next_step_at: null,
              snoozed_until: null,
            };
      const updated = await trx.updateTable('scheduled_reviews').set({ ...set, updated_at: input.now }).where('id', '=', r.id).returningAll().executeTakeFirstOrThrow();
      await recordAudit(trx, { actor: a.label, action: `schedule.${ans.answer}`, entityType: 'occurrence', entityId: r.occurrence_id, details: { scheduledReviewId: r.id, kind: r.kind, seq: r.seq, ...ans } });
      await onChanged(trx, r.occurrence_id, `sr:${r.id}:${updated.updated_at.getTime()}:${updated.snooze_count}`);
      await queuePromptRefresh(trx, r.id, `${ans.answer}:${updated.snooze_count}`, input.now);
      return { status: 'saved' as const, review: toReview(updated) };
    }),
  );
}

/** Queues an in-place update of every posted prompt of a scheduled review. */
export async function queuePromptRefresh(trx: Db, scheduledReviewId: string, cause: string, now: Date): Promise<void> {
  const posts = await trx.selectFrom('prompt_posts').selectAll().where('scheduled_review_id', '=', scheduledReviewId).execute();
  await enqueueMessages(
    trx,
    posts.map((p) => ({
      dedupeKey: `sr-update:${p.conversation_id}:${p.activity_id}:${cause}`,
      conversationId: p.conversation_id,
      payload: { type: 'review_prompt_update' as const, scheduledReviewId, activityId: p.activity_id },
    })),
    now,
  );
}

/**
 * Records a prompt card posted in a conversation: remembered so answers update it in place, and
 * audited as a disclosure of the occurrence (whether the outbox or `my reviews` posted it).
 */
export async function recordPromptDisclosure(
  db: Db,
  post: { scheduledReviewId: string; conversationId: string; activityId: string; actor: string; details?: Record<string, unknown> },
): Promise<void> {
  await db.insertInto('prompt_posts').values({ scheduled_review_id: post.scheduledReviewId, conversation_id: post.conversationId, activity_id: post.activityId }).onConflict((oc) => oc.doNothing()).execute();
  const sr = await db.selectFrom('scheduled_reviews').select('occurrence_id').where('id', '=', post.scheduledReviewId).executeTakeFirst();
  if (sr) {
    await recordAudit(db, { actor: post.actor, action: 'prompt.disclosed', entityType: 'occurrence', entityId: sr.occurrence_id, details: { conversationId: post.conversationId, activityId: post.activityId, ...post.details } });
  }
}

/** Marks the pending coordinator review done when the HCC review is saved on the card. */
export async function completeCoordinatorReview(trx: Db, occurrenceId: string, by: { userId: string | null; name: string }, now: Date): Promise<void> {
  await trx
    .updateTable('scheduled_reviews')
    .set({ status: 'done', outcome: 'hcc_review', completed_by: by.userId, completed_by_name: by.name, completed_at: now, next_step_at: null, snoozed_until: null, updated_at: now })
    .where('occurrence_id', '=', occurrenceId)
    .where('kind', '=', 'coordinator_review')
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Due (within `withinHours`) and overdue pending reviews the user may answer (the access rule,
 * db/access canAnswerPrompt): those addressed to them as OIC or supervisor, OIC prompts escalated
 * to them as supervisor, as coordinator those of their districts addressed to
 * coordinators or escalated.
 */
export async function reviewsForUser(db: Db, user: Pick<Actor, 'upn' | 'roles' | 'districts'>, now: Date, withinHours = 24, limit = 10): Promise<ScheduledReview[]> {
  const until = new Date(now.getTime() + withinHours * 3_600_000);
  const upn = user.upn?.toLowerCase() ?? '';
  const coordinator = holds(user, 'coordinator') && user.districts.length > 0;
  const districts = user.districts.map((d) => d.toLowerCase());
  const rows = await db
    .selectFrom('scheduled_reviews as r')
    .innerJoin('occurrences as o', 'o.id', 'r.occurrence_id')
    .selectAll('r')
    .where('r.status', '=', 'pending')
    .where('r.due_at', '<=', until)
    .where((eb) =>
      eb.or([
        ...(named(user, upn)
          ? [
              eb.and([eb('r.owner_role', '=', 'oic'), eb('o.oic_upn', '=', upn)]),
              eb.and([eb('r.owner_role', '=', 'supervisor'), eb('o.supervisor_upn', '=', upn)]),
              eb.and([eb('r.owner_role', '=', 'oic'), eb('r.step', '>=', ESCALATED_STEP), eb('o.supervisor_upn', '=', upn)]),
            ]
          : []),
        ...(coordinator
          ? [
              eb.and([
                eb.or([eb('r.owner_role', '=', 'coordinator'), eb('r.step', '>=', ESCALATED_STEP)]),
                districts.includes(FORCE_WIDE) ? sql<boolean>`true` : eb(sql`lower(o.district)`, 'in', districts),
              ]),
            ]
          : []),
        sql<boolean>`false`,
      ]),
    )
    .orderBy('r.due_at')
    .limit(limit)
    .execute();
  return rows.map(toReview);
}

/** Figures of the weekday digest for a review channel (issue 3). `districts` null: all. */
export interface DigestData {
  since: Date;
  flagged: { reference: string; recordedAs: string; strands: string[]; district: string }[];
  flaggedTotal: number;
  dueToday: { title: string; count: number }[];
  overdueByOwner: { owner: string; count: number }[];
  highRiskOpen: { reference: string; district: string }[];
}

/** Computes the digest: flagged since `since`, due today, overdue by owner, high-risk open. */
export async function digestFor(db: Db, districts: readonly string[] | null, since: Date, now: Date): Promise<DigestData> {
  const inDistrict = districts ? districts.map((d) => d.toLowerCase()) : null;
  const endOfDay = DateTime.fromJSDate(now).setZone(ZONE).endOf('day').toJSDate();
  const flaggedQ = db.selectFrom('occurrences').select(['reference', 'recorded_as', 'strands', 'district']).where('created_at', '>=', since).where('created_at', '<=', now);
  const flagged = await (inDistrict ? flaggedQ.where(sql`lower(district)`, 'in', inDistrict) : flaggedQ).orderBy('flagged_at', 'desc').execute();
  const pendingQ = db
    .selectFrom('scheduled_reviews as r')
    .innerJoin('occurrences as o', 'o.id', 'r.occurrence_id')
    .select(['r.kind', 'r.seq', 'r.due_at', 'r.owner_role', 'o.oic_upn', 'o.oic_name', 'o.supervisor_upn', 'o.supervisor_name', 'o.district'])
    .where('r.status', '=', 'pending')
    .where('r.due_at', '<=', endOfDay);
  const pending = await (inDistrict ? pendingQ.where(sql`lower(o.district)`, 'in', inDistrict) : pendingQ).execute();
  const dueToday = new Map<string, number>();
  const overdue = new Map<string, number>();
  for (const p of pending) {
    if (p.due_at > now) dueToday.set(REVIEW_TITLES[p.kind as ReviewKind], (dueToday.get(REVIEW_TITLES[p.kind as ReviewKind]) ?? 0) + 1);
    else {
      const owner =
        p.owner_role === 'oic' ? (p.oic_name ?? p.oic_upn ?? 'OIC not recorded') : p.owner_role === 'supervisor' ? (p.supervisor_name ?? p.supervisor_upn ?? 'supervisor not recorded') : `Coordinator (${p.district})`;
      overdue.set(owner, (overdue.get(owner) ?? 0) + 1);
    }
  }
  const highQ = sql<{ reference: string; district: string }>`
    select o.reference, o.district from occurrences o
    join lateral (select risk_grade from reviews r where r.occurrence_id = o.id order by version desc limit 1) g on true
    where o.status = 'open' and g.risk_grade = 'high'
    ${inDistrict ? sql`and lower(o.district) in (${sql.join(inDistrict)})` : sql``}
    order by o.flagged_at desc limit 50`;
  const high = await highQ.execute(db);
  return {
    since,
    flagged: flagged.slice(0, 15).map((f) => ({ reference: f.reference, recordedAs: f.recorded_as, strands: f.strands, district: f.district })),
    flaggedTotal: flagged.length,
    dueToday: [...dueToday].map(([title, count]) => ({ title, count })),
    overdueByOwner: [...overdue].map(([owner, count]) => ({ owner, count })).sort((a, b) => b.count - a.count),
    highRiskOpen: high.rows,
  };
}

/**
 * Queues the weekday digest for every active review channel (issue 3): one per channel per
 * Europe/London day (dedupe key), covering what was flagged since that channel's last digest
 * (or the last 24 hours). `render` turns the figures into a card.
 * @returns how many digests were newly queued
 */
export async function queueDigests(
  conn: Kysely<Database>,
  now: Date,
  render: (data: DigestData, scope: string, now: Date) => Record<string, unknown>,
): Promise<number> {
  const subs = await conn
    .selectFrom('review_subscriptions as s')
    .innerJoin('conversations as c', 'c.id', 's.conversation_id')
    .select(['s.conversation_id', 's.district'])
    .where('c.active', '=', true)
    .execute();
  const byConversation = new Map<string, string[]>();
  for (const s of subs) byConversation.set(s.conversation_id, [...(byConversation.get(s.conversation_id) ?? []), s.district]);
  const day = DateTime.fromJSDate(now).setZone(ZONE).toISODate();
  let queued = 0;
  for (const [conversationId, districts] of byConversation) {
    const all = districts.includes('*');
    const last = await conn
      .selectFrom('outbox')
      .select('created_at')
      .where('dedupe_key', 'like', `digest:${conversationId.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const since = last?.created_at ?? new Date(now.getTime() - 86_400_000);
    const data = await digestFor(conn, all ? null : districts, since, now);
    const card = render(data, all ? 'all districts' : districts.join(', '), now);
    queued += await enqueueMessages(conn, [{ dedupeKey: `digest:${conversationId}:${day}`, conversationId, payload: { type: 'card', card } }], now);
  }
  return queued;
}

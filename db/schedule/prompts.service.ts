import { sql, type Kysely } from 'kysely';
import { allow, canAnswerPrompt, FORCE_WIDE, holds, named, type Actor, type PromptFacts } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { queueCardRefresh } from '../occurrences/occurrences.service.js';
import type { OccurrenceRow } from '../occurrences/occurrences.table.js';
import { enqueueMessages } from '../outbox/outbox.service.js';
import type { Database, Db } from '../schema.js';
import { withRetry } from '../transactions.js';
import { ownerUnreachable, ownerUpn } from './owner.policy.js';
import { reachableUsers } from './schedule.recipients.js';
import { nextStepAt } from './schedule.steps.js';
import { openFollowUps } from './follow-ups.service.js';
import { checkOutcome, followUpOf, keepsService } from './outcomes.policy.js';
import { ESCALATED_STEP, toReview, type ScheduleConfig, type ScheduledReview } from './schedule.types.js';

export { OUTCOME_LABELS, OUTCOME_RULES, outcomeText } from './outcomes.policy.js';

/**
 * What the access rule needs of a prompt (db/access canAnswerPrompt). A prompt is escalated once
 * it reached the supervisor step, or when its OIC or supervisor cannot be reached in Teams (the
 * sweep then posts it to the review channel for the coordinators).
 */
export async function promptFacts(
  db: Db,
  r: Pick<ScheduledReview, 'ownerRole' | 'step'>,
  occ: Pick<OccurrenceRow, 'district' | 'oic_upn' | 'supervisor_upn'>,
): Promise<PromptFacts> {
  const unreachable = ownerUnreachable(
    r.ownerRole,
    r.ownerRole === 'coordinator'
      ? []
      : await reachableUsers(db, r.ownerRole === 'manager' ? { managersOf: occ.district } : { upn: ownerUpn(r.ownerRole, occ) }),
  );
  return {
    ownerRole: r.ownerRole as PromptFacts['ownerRole'],
    escalated: r.step >= ESCALATED_STEP || unreachable,
    district: occ.district,
    oicUpn: occ.oic_upn,
    supervisorUpn: occ.supervisor_upn,
  };
}

/** One scheduled review with its occurrence, or null. */
export async function getScheduledReview(db: Db, id: string): Promise<{ review: ScheduledReview; occurrence: OccurrenceRow } | null> {
  const r = await db.selectFrom('scheduled_reviews').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return null;
  const occurrence = await db.selectFrom('occurrences').selectAll().where('id', '=', r.occurrence_id).executeTakeFirstOrThrow();
  return { review: toReview(r), occurrence };
}

/** An answer to a review prompt; a done answer's outcome and service are checked against its kind (outcomes.policy.ts). */
export type PromptAnswer =
  | { answer: 'done'; outcome: string | null; note: string | null; service: string | null }
  | { answer: 'not_applicable'; reason: string }
  | { answer: 'snooze'; until: Date };

export type AnswerOutcome = { status: 'saved'; review: ScheduledReview } | { status: 'already'; review: ScheduledReview };

/**
 * Records an answer to a scheduled review: done (with the outcome its kind asks for, a reason or
 * the service where the outcome needs one: outcomes.policy.ts), not applicable (with a reason), or
 * snooze. A done answer that opens a follow-up opens it in the same transaction (a dissatisfied
 * closure: the inspector's contact, seed 001 §2.2). A review already answered is not overwritten
 * (`already`). Updates every posted prompt and the occurrence's review card; audited.
 * @throws ForbiddenError unless the access rule lets the actor answer it (db/access canAnswerPrompt)
 * @throws ValidationError naming the field when the answer breaks its kind's rule (nothing written)
 */
export async function answerScheduledReview(
  conn: Kysely<Database>,
  input: { id: string; answer: PromptAnswer; actor: Actor; cfg: ScheduleConfig; now: Date },
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
      const issues = ans.answer === 'done' ? checkOutcome(r.kind, ans) : [];
      if (issues.length) throw new ValidationError(issues.map((i) => i.message).join('; '), issues);
      if (ans.answer === 'not_applicable' && !ans.reason.trim())
        throw new ValidationError('a reason is needed', [{ path: 'reason', message: 'say why the review does not apply' }]);
      if (ans.answer === 'snooze' && ans.until <= input.now)
        throw new ValidationError('a snooze must end in the future', [{ path: 'snooze', message: 'choose a later time' }]);
      const set =
        ans.answer === 'snooze'
          ? {
              snoozed_until: ans.until,
              snooze_count: r.snooze_count + 1,
              next_step_at: nextStepAt(r.due_at, r.step, ans.until, input.cfg.steps),
            }
          : {
              status: ans.answer === 'done' ? ('done' as const) : ('not_applicable' as const),
              outcome: ans.answer === 'done' ? (ans.outcome ?? 'done') : null,
              service: ans.answer === 'done' && keepsService(r.kind, ans.outcome) ? ans.service : null,
              note: ans.answer === 'done' ? ans.note : ans.reason.trim(),
              completed_by: a.userId,
              completed_by_name: a.name,
              completed_at: input.now,
              next_step_at: null,
              snoozed_until: null,
            };
      const updated = await trx
        .updateTable('scheduled_reviews')
        .set({ ...set, updated_at: input.now })
        .where('id', '=', r.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        actor: a.label,
        action: `schedule.${ans.answer}`,
        entityType: 'occurrence',
        entityId: r.occurrence_id,
        details: { scheduledReviewId: r.id, kind: r.kind, seq: r.seq, ...ans },
      });
      const outcome = ans.answer === 'done' ? ans.outcome : null;
      const opens = followUpOf(r.kind, outcome);
      if (opens)
        await openFollowUps(trx, {
          occurrenceId: r.occurrence_id,
          kinds: [opens],
          at: input.now,
          cfg: input.cfg,
          now: input.now,
          actor: a.label,
          reason: `${r.kind} answered ${outcome}`,
        });
      await queueCardRefresh(
        trx,
        [{ occurrenceId: r.occurrence_id, cause: `sr:${r.id}:${updated.updated_at.getTime()}:${updated.snooze_count}` }],
        input.now,
      );
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
  await db
    .insertInto('prompt_posts')
    .values({ scheduled_review_id: post.scheduledReviewId, conversation_id: post.conversationId, activity_id: post.activityId })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const sr = await db.selectFrom('scheduled_reviews').select('occurrence_id').where('id', '=', post.scheduledReviewId).executeTakeFirst();
  if (sr) {
    await recordAudit(db, {
      actor: post.actor,
      action: 'prompt.disclosed',
      entityType: 'occurrence',
      entityId: sr.occurrence_id,
      details: { conversationId: post.conversationId, activityId: post.activityId, ...post.details },
    });
  }
}

/**
 * Due (within `withinHours`) and overdue pending reviews the user may answer (the access rule,
 * db/access canAnswerPrompt): those addressed to them as OIC or supervisor, OIC prompts escalated
 * to them as supervisor, as coordinator those of their districts addressed to
 * coordinators or escalated, as manager those of their districts addressed to managers.
 */
export async function reviewsForUser(
  db: Db,
  user: Pick<Actor, 'upn' | 'roles' | 'districts'>,
  now: Date,
  withinHours = 24,
  limit = 10,
): Promise<ScheduledReview[]> {
  const until = new Date(now.getTime() + withinHours * 3_600_000);
  const upn = user.upn?.toLowerCase() ?? '';
  const coordinator = holds(user, 'coordinator') && user.districts.length > 0;
  const manager = holds(user, 'manager') && user.districts.length > 0;
  const districts = user.districts.map((d) => d.toLowerCase());
  const inDistricts = districts.includes(FORCE_WIDE) ? sql<boolean>`true` : sql<boolean>`lower(o.district) in (${sql.join(districts)})`;
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
          ? [eb.and([eb.or([eb('r.owner_role', '=', 'coordinator'), eb('r.step', '>=', ESCALATED_STEP)]), inDistricts])]
          : []),
        ...(manager ? [eb.and([eb('r.owner_role', '=', 'manager'), inDistricts])] : []),
        sql<boolean>`false`,
      ]),
    )
    .orderBy('r.due_at')
    .limit(limit)
    .execute();
  return rows.map(toReview);
}

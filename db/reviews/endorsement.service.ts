import { allow, canSeeOccurrence, type Actor } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { NotFoundError } from '../errors.js';
import type { OccurrenceDetail, RepeatRule } from '../occurrences/occurrences.service.js';
import type { Db } from '../schema.js';
import { renderEndorsement, type EndorsementTemplate, type FollowUpTask } from './endorsement.js';
import { ownerLabel, reviewTitle, type ScheduledReview } from '../schedule/schedule.service.js';
import { TASK_KINDS } from '../schedule/schedule.policy.js';
import { outcomeText } from '../schedule/outcomes.policy.js';
import { readReviewCard, type Review } from './review-card.read.js';

export {
  DEFAULT_ENDORSEMENT_TEMPLATE,
  endorsementTemplateFileSchema,
  PLACEHOLDERS as ENDORSEMENT_PLACEHOLDERS,
  type EndorsementTemplate,
} from './endorsement.js';

/** An occurrence and its current review, as someone who may see it reads them. */
export interface SeenOccurrence {
  occurrence: OccurrenceDetail;
  review: Review | null;
  /** Its review schedule, follow-up tasks included, by deadline. */
  schedule: readonly ScheduledReview[];
}

/** Where and why occurrence data is shown, for the audit log (DPA 2018 s62: disclosure). */
export interface Disclosure {
  actor: Actor;
  conversationId: string | null;
  /** e.g. `endorsement command`, `review card button`, `message extension`. */
  reason: string;
}

/**
 * Reads an occurrence and its current review for `actor`, asking the one access rule
 * (canSeeOccurrence: the OIC, the supervisor, a supervisor, coordinator or manager of its district).
 * Nothing is read for the caller before the rule has answered.
 * @throws NotFoundError when the bot does not hold it; ForbiddenError when the actor may not see it
 */
export async function seeOccurrence(db: Db, occurrenceId: string, actor: Actor, repeat: RepeatRule): Promise<SeenOccurrence> {
  // One statement reads the occurrence and its current review; nothing is returned before the rule answers.
  const card = await readReviewCard(db, occurrenceId, repeat);
  if (!card) throw new NotFoundError('that occurrence is no longer held by the bot');
  const { occurrence, review, schedule } = card;
  allow(
    canSeeOccurrence(actor, {
      district: occurrence.district,
      oicUpn: occurrence.oic?.upn ?? null,
      supervisorUpn: occurrence.supervisor?.upn ?? null,
    }),
  );
  return { occurrence, review, schedule };
}

/** The RMS endorsement of an occurrence's current review (renderEndorsement), with what it was made from. */
export interface Endorsement extends SeenOccurrence {
  review: Review;
  text: string;
}

/**
 * The coordinator's advice as text to paste into the records system (issue 12 item 1; seed 000
 * output 4), from the current review and the template. Shown only to whoever may see the
 * occurrence, and audited as a disclosure (`endorsement.disclosed`: where, why, which review version).
 * @throws NotFoundError when the bot does not hold the occurrence, or it has no HCC review yet
 * @throws ForbiddenError when the actor may not see it (before anything is read out)
 */
export async function endorsementFor(
  db: Db,
  input: Disclosure & { occurrenceId: string; template: EndorsementTemplate; repeat: RepeatRule },
): Promise<Endorsement> {
  const { occurrence, review, schedule } = await seeOccurrence(db, input.occurrenceId, input.actor, input.repeat);
  if (!review) throw new NotFoundError(`${occurrence.reference} has no HCC review yet, so there is nothing to endorse`);
  const text = renderEndorsement(input.template, {
    ...occurrence,
    review,
    followUps: followUpTasks(occurrence, schedule),
  });
  await recordAudit(db, {
    actor: input.actor.label,
    action: 'endorsement.disclosed',
    entityType: 'occurrence',
    entityId: occurrence.id,
    details: { conversationId: input.conversationId, reason: input.reason, reviewId: review.id, version: review.version },
  });
  return { occurrence, review, schedule, text };
}

/** The occurrence's follow-up tasks (issue 12 item 3) as the endorsement lists them: what, who, when, and where each stands. */
function followUpTasks(o: OccurrenceDetail, schedule: readonly ScheduledReview[]): FollowUpTask[] {
  const people = {
    oic_upn: o.oic?.upn ?? null,
    oic_name: o.oic?.name ?? null,
    supervisor_upn: o.supervisor?.upn ?? null,
    supervisor_name: o.supervisor?.name ?? null,
    district: o.district,
  };
  const status = (s: ScheduledReview) => {
    if (s.status === 'not_applicable') return `not applicable: ${s.note ?? ''}`;
    if (s.status !== 'done') return 'open';
    const outcome = outcomeText(s.outcome, s.service);
    return `done${outcome ? `: ${outcome}` : ''}${s.note ? `, ${s.note}` : ''}`;
  };
  return schedule
    .filter((s) => TASK_KINDS.includes(s.kind) && s.status !== 'cancelled')
    .map((s) => ({ title: reviewTitle(s, o.recordedAs), ownerText: ownerLabel(s.ownerRole, people), dueAt: s.dueAt, status: status(s) }));
}

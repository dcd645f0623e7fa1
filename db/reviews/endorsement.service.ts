import { allow, canSeeOccurrence, type Actor } from '../access/access.policy.js';
import { recordAudit } from '../audit/audit.service.js';
import { NotFoundError } from '../errors.js';
import type { OccurrenceDetail, RepeatRule } from '../occurrences/occurrences.service.js';
import type { Db } from '../schema.js';
import { renderEndorsement, type EndorsementTemplate } from './endorsement.js';
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
  const { occurrence, review } = card;
  allow(
    canSeeOccurrence(actor, {
      district: occurrence.district,
      oicUpn: occurrence.oic?.upn ?? null,
      supervisorUpn: occurrence.supervisor?.upn ?? null,
    }),
  );
  return { occurrence, review };
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
  const { occurrence, review } = await seeOccurrence(db, input.occurrenceId, input.actor, input.repeat);
  if (!review) throw new NotFoundError(`${occurrence.reference} has no HCC review yet, so there is nothing to endorse`);
  const text = renderEndorsement(input.template, {
    ...occurrence,
    review,
    // Tracked follow-up tasks (MARAC referral, partner support, PSO: issue 12 item 3) are listed here once they exist.
    followUps: [],
  });
  await recordAudit(db, {
    actor: input.actor.label,
    action: 'endorsement.disclosed',
    entityType: 'occurrence',
    entityId: occurrence.id,
    details: { conversationId: input.conversationId, reason: input.reason, reviewId: review.id, version: review.version },
  });
  return { occurrence, review, text };
}

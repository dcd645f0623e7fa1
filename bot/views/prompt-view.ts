import type { PromptBatchRow } from '../../cards/prompt-batch.card.js';
import type { PromptCardView } from '../../cards/prompt.card.js';
import type { PromptBatchEntry } from '../../db/schedule/prompt-batch.service.js';
import type { OccurrenceRow } from '../../db/occurrences/occurrences.service.js';
import { ownerLabel, reviewTitle, type ReviewKind, type ScheduledReview } from '../../db/schedule/schedule.service.js';
import { OUTCOME_LABELS, OUTCOME_RULES, outcomeText } from '../../db/schedule/prompts.service.js';
import { recordsUrl } from './records-link.js';

/** What Done asks for a kind of review, in the card's terms (db/schedule/outcomes.policy.ts). */
function promptOutcomes(kind: ReviewKind): PromptCardView['outcomes'] {
  const rule = OUTCOME_RULES[kind];
  if (!rule) return null;
  const words = (o: readonly (keyof typeof OUTCOME_LABELS)[] | undefined) => (o ?? []).map((c) => OUTCOME_LABELS[c].toLowerCase());
  const reasons = words(rule.needsReason);
  return {
    label: rule.label,
    choices: rule.choices.map((value) => ({ title: OUTCOME_LABELS[value], value })),
    asksService: Boolean(rule.needsService?.length),
    reasonHint: reasons.length ? `say why if ${reasons.join(' or ')}` : null,
  };
}

/**
 * Maps a scheduled review onto its prompt card. The feed summary and the answer's free-text note
 * ("spoke to the victim at …") only go to personal chats: prompt copies in review channels are
 * refreshed with the answer too.
 */
export function toPromptCardView(
  r: ScheduledReview,
  occ: OccurrenceRow,
  opts: {
    step: PromptCardView['step'];
    unreachable: boolean;
    personal: boolean;
    now: Date;
    /** RMS_URL_TEMPLATE; null: no link to the records system. */
    rmsUrlTemplate: string | null;
    banner?: PromptCardView['banner'];
  },
): PromptCardView {
  const link = recordsUrl(opts.rmsUrlTemplate, occ.reference);
  return {
    scheduledReviewId: r.id,
    title: reviewTitle(r, occ.recorded_as as 'crime' | 'nchi'),
    reference: occ.reference,
    district: occ.district,
    recordedAs: occ.recorded_as as 'crime' | 'nchi',
    strands: occ.strands,
    summary: opts.personal ? occ.summary : null,
    dueAt: r.dueAt,
    now: opts.now,
    step: opts.step,
    owner: ownerLabel(r.ownerRole, occ),
    unreachable: opts.unreachable,
    outcomes: promptOutcomes(r.kind),
    status: r.status,
    outcome: outcomeText(r.outcome, r.service),
    note: opts.personal ? r.note : null,
    completedByName: r.completedByName,
    completedAt: r.completedAt,
    snoozedUntil: r.snoozedUntil,
    ...(opts.banner ? { banner: opts.banner } : {}),
    ...(link ? { recordsUrl: link } : {}),
  };
}

/**
 * Maps a list of prompts onto the rows of its card: each as its single prompt card would show it
 * (no feed summary: the rows are compact), or, where the access rule said no, a row with no data.
 */
export function toPromptBatchRows(
  entries: readonly PromptBatchEntry[],
  opts: { personal: boolean; now: Date; rmsUrlTemplate: string | null },
): PromptBatchRow[] {
  return entries.map((e) => {
    if (!e.allowed) return { hidden: true, scheduledReviewId: e.review.id };
    const view = toPromptCardView(e.review, e.occurrence, { ...opts, step: e.item.step, unreachable: e.item.unreachable });
    return { ...view, hidden: false, step: e.item.step };
  });
}

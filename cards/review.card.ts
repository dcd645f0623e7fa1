import { humanise, ukDateTime } from './format.js';
import type { AdaptiveCard } from './card.js';
import { reviewCardTemplate } from './review.card.template.js';
import { SUBJECT_REF_CHOICES } from './verbs.js';
import type { Decision, Grade, ReviewCardView } from './review.card.view.js';

export type { ReviewCardView } from './review.card.view.js';

const DECISION_TEXT: Record<Decision, string> = { yes: 'Yes', no: 'No', na: 'N/A' };
const GRADE_STYLE: Record<Grade, string> = { standard: 'good', medium: 'warning', high: 'attention' };
const BANNER_STYLE = { error: 'attention', warning: 'warning', success: 'good' } as const;

/** A repeat count, with the linked references the viewer may see: "2 other occurrences – repeat: 13/1/26 and 1 more". */
function repeatText(n: number, repeat: boolean, seen?: { refs: readonly string[]; more: number }): string {
  if (n === 0) return 'none';
  const flag = repeat ? ' – repeat' : '';
  const refs = seen?.refs.length ? `: ${seen.refs.join(', ')}${seen.more ? ` and ${seen.more} more` : ''}` : '';
  return `${n} other occurrence${n === 1 ? '' : 's'}${flag}${refs}`;
}

/** Checklists up to this long get a Note button on each row; longer ones one Notes button (Teams' message size). */
export const NOTE_BUTTON_ITEMS = 12;

/** The most grade-history lines a card shows (the latest; the count of earlier ones is said). */
const GRADES_SHOWN = 10;

function gradeHistory(grades: NonNullable<ReviewCardView['grades']>): string[] {
  const lines = grades
    .slice(-GRADES_SHOWN)
    .map(
      (g) =>
        `${g.version === 1 ? 'Review' : `Re-grade ${g.version - 1}`}: ${humanise(g.riskGrade)} · ${g.reviewerName} · ${ukDateTime(g.reviewedAt)}`,
    );
  const earlier = grades.length - lines.length;
  return earlier > 0 ? [`(${earlier} earlier not shown)`, ...lines] : lines;
}

/** The completed card's line for the NCHI Code of Practice 2023 decisions. */
function nchiDecisionText(d: { thresholdMet: boolean; subjectRefs: string }): string {
  const refs = SUBJECT_REF_CHOICES.find((c) => c.value === d.subjectRefs)?.title ?? d.subjectRefs;
  return `NCHI threshold met: ${d.thresholdMet ? 'yes' : 'no'} · Subject's personal data: ${refs.replace(/ \(.*\)$/, '')}`;
}

/**
 * Renders the HCC review card (issue 12 item 8: about two screens at most): the occurrence's
 * classifications, repeat indicators (with the references the viewer may see, when `repeatRefs`
 * is given), the schedule, the saved review with every note and the grade history, and either the
 * compact checklist form (`mode: 'form'`: one row per item, a note box only where needed; submits
 * with Action.Execute `review.submit`, falling back to Action.Submit) or, read-only, the Review /
 * Re-grade button (`offerReview`) that asks for the form. Pure: no I/O.
 */
export function renderReviewCard(v: ReviewCardView): AdaptiveCard {
  const nchi = v.recordedAs === 'nchi';
  const who = (o: { upn: string; name: string | null } | null) => (o ? (o.name ? `${o.name} (${o.upn})` : o.upn) : 'not recorded');
  const facts = [
    { title: 'Recorded as', value: nchi ? 'Non-crime hate incident (NCHI)' : 'Crime' },
    ...(nchi ? [] : [{ title: 'Offence', value: v.offence ?? 'not recorded' }]),
    { title: 'Strands', value: v.strands.map(humanise).join(', ') },
    { title: 'District', value: v.district },
    { title: 'Location type', value: v.locationType ? humanise(v.locationType) : 'not recorded' },
    { title: 'Flagged', value: ukDateTime(v.flaggedAt) },
    { title: 'Source', value: humanise(v.source === 'rms' ? 'records system' : v.source) },
    { title: 'OIC', value: who(v.oic) },
    { title: 'Supervisor', value: who(v.supervisor) },
    { title: 'Status', value: humanise(v.status) },
  ];
  const r = v.repeats;
  const repeatFacts = [
    { title: nchi ? 'Complainant' : 'Victim', value: repeatText(r.victim, r.flagged.victim, v.repeatRefs?.victim) },
    { title: nchi ? 'Subject' : 'Suspect', value: repeatText(r.suspect, r.flagged.suspect, v.repeatRefs?.suspect) },
    { title: 'Location', value: repeatText(r.location, r.flagged.location, v.repeatRefs?.location) },
  ];
  const review = v.review;
  const draft =
    v.draft ??
    (review
      ? {
          decisions: Object.fromEntries(review.decisions.map((d) => [d.itemKey, { decision: d.decision, note: d.note }])),
          riskGrade: review.riskGrade,
          riskRationale: review.riskRationale,
        }
      : undefined);
  const repeatSuspect = r.flagged.suspect;
  const form = v.mode === 'form';
  const otherNotes = (review?.decisions ?? [])
    .filter((d) => d.decision !== 'no' && d.note)
    .map((d) => ({ mark: d.decision === 'yes' ? '✓' : '–', answer: DECISION_TEXT[d.decision], label: d.itemLabel, note: d.note ?? '' }));
  const schedule = (v.schedule ?? [])
    .filter((x) => x.status !== 'cancelled')
    .map((x) =>
      x.status === 'done'
        ? {
            text: `✓ ${x.title}: done${x.outcome ? ` (${x.outcome})` : ''} by ${x.completedByName ?? 'unknown'}${x.completedAt ? `, ${ukDateTime(x.completedAt)}` : ''}`,
            color: 'Good',
          }
        : x.status === 'not_applicable'
          ? { text: `– ${x.title}: not applicable (${x.completedByName ?? 'unknown'})`, color: 'Default' }
          : v.now && x.dueAt < v.now
            ? { text: `⚠ ${x.title}: OVERDUE, deadline ${ukDateTime(x.dueAt)}`, color: 'Attention' }
            : { text: `○ ${x.title}: due ${ukDateTime(x.dueAt)}`, color: 'Default' },
    );
  const items = v.checklist.map((item, i) => {
    const answer = draft?.decisions[item.key];
    return {
      n: i + 1,
      key: item.key,
      label: item.label,
      decision: answer?.decision ?? '',
      note: answer?.note ?? '',
      // A note box shows where it is needed: a "no", or a note already written.
      noteShown: answer?.decision === 'no' || Boolean(answer?.note),
    };
  });
  const data = {
    hasRecordsUrl: Boolean(v.recordsUrl),
    recordsUrl: v.recordsUrl ?? '',
    // The form leaves the schedule to the read-only card: the person reviewing needs the checklist within two screens.
    hasSchedule: schedule.length > 0 && !form,
    schedule: form ? [] : schedule,
    occurrenceId: v.occurrenceId,
    expectedVersion: review?.version ?? 0,
    submitTitle: review ? 'Save re-grade' : 'Submit review',
    title: `${nchi ? 'Non-crime hate incident review' : 'Hate crime review'} · ${v.reference}`,
    subtitle: `${v.district} · ${v.strands.map(humanise).join(', ')} · ${review ? 'reviewed' : 'awaiting HCC review by a coordinator'}`,
    hasBanner: Boolean(v.banner),
    banner: v.banner
      ? { style: BANNER_STYLE[v.banner.kind], text: v.banner.text, details: v.banner.details ?? [] }
      : { style: 'default', text: '', details: [] },
    facts,
    repeatHeading: `Repeat indicators (last ${r.windowMonths} months; repeat = ${r.minOccurrences} or more)`,
    repeatFacts,
    hasReview: Boolean(review),
    review: review
      ? {
          style: GRADE_STYLE[review.riskGrade],
          gradeText: humanise(review.riskGrade).toUpperCase(),
          reviewerName: review.reviewerName,
          reviewedText: ukDateTime(review.reviewedAt),
          versionText: review.version > 1 ? ` (re-grade ${review.version - 1})` : '',
          hasRationale: Boolean(review.riskRationale),
          hasNchi: Boolean(review.nchi),
          nchiText: review.nchi ? nchiDecisionText(review.nchi) : '',
          riskRationale: review.riskRationale ?? '',
          tally: (['yes', 'no', 'na'] as const)
            .map((d) => `${DECISION_TEXT[d]}: ${review.decisions.filter((x) => x.decision === d).length}`)
            .join(' · '),
          hasNeedsAction: review.decisions.some((d) => d.decision === 'no'),
          needsAction: review.decisions.filter((d) => d.decision === 'no').map((d) => ({ label: d.itemLabel, note: d.note ?? '' })),
          detailed: !form,
          hasOtherNotes: otherNotes.length > 0,
          otherNotes,
          grades: gradeHistory(v.grades?.length ? v.grades : [review]),
          isHigh: review.riskGrade === 'high',
          highRiskPrompts: [
            'Consider a MARAC referral.',
            `Arrange partner support (${nchi ? 'support services for the complainant' : 'victim services'}, housing, council).`,
            ...(repeatSuspect ? [`Repeat ${nchi ? 'subject' : 'suspect'}: the NPT should record a Problem Solving Occurrence (PSO).`] : []),
            'Each is a follow-up task in the schedule, prompted and chased until it is answered.',
          ],
        }
      : {},
    // Only someone allowed to submit gets the form (after a refused submit, with their own answers).
    showForm: form,
    offerReview: !form && Boolean(v.offerReview),
    openTitle: review ? 'Re-grade' : 'Review',
    reference: v.reference,
    form: {
      items,
      notePerItem: v.checklist.length <= NOTE_BUTTON_ITEMS,
      hiddenNotes: items.filter((i) => !i.noteShown).map((i) => `note_${i.key}`),
      riskGrade: draft?.riskGrade ?? '',
      riskRationale: draft?.riskRationale ?? '',
      nchiDecision: nchi && Boolean(v.nchiDecision),
      nchiThreshold: draft?.nchiThreshold ?? (review?.nchi ? (review.nchi.thresholdMet ? 'yes' : 'no') : ''),
      nchiSubjectRefs: draft?.nchiSubjectRefs ?? review?.nchi?.subjectRefs ?? '',
    },
  };
  return reviewCardTemplate(data);
}

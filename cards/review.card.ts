import { humanise, ukDateTime } from './format.js';
import type { AdaptiveCard } from './card.js';
import { reviewCardTemplate } from './review.card.template.js';
import type { Decision, Grade, ReviewCardView } from './review.card.view.js';

export type { ReviewCardView } from './review.card.view.js';

const DECISION_TEXT: Record<Decision, string> = { yes: 'Yes', no: 'No', na: 'N/A' };
const GRADE_STYLE: Record<Grade, string> = { standard: 'good', medium: 'warning', high: 'attention' };
const BANNER_STYLE = { error: 'attention', warning: 'warning', success: 'good' } as const;

function repeatText(n: number, min: number): string {
  if (n === 0) return 'none';
  const flag = n + 1 >= min ? ' – repeat' : '';
  return `${n} other occurrence${n === 1 ? '' : 's'}${flag}`;
}

/**
 * Renders the HCC review card: the occurrence's classifications, repeat indicators, and either
 * the checklist form (not yet reviewed, or `banner`/`draft` after a refused submit) or the saved
 * review with a Re-grade form. Submits with Action.Execute (`review.submit`), falling back to
 * Action.Submit. Pure: no I/O.
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
    { title: nchi ? 'Complainant' : 'Victim', value: repeatText(r.victim, r.minOccurrences) },
    { title: nchi ? 'Subject' : 'Suspect', value: repeatText(r.suspect, r.minOccurrences) },
    { title: 'Location', value: repeatText(r.location, r.minOccurrences) },
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
  const repeatSuspect = r.suspect + 1 >= r.minOccurrences && r.suspect > 0;
  const schedule = (v.schedule ?? [])
    .filter((x) => x.status !== 'cancelled')
    .map((x) =>
      x.status === 'done'
        ? {
            text: `✓ ${x.title}: done by ${x.completedByName ?? 'unknown'}${x.completedAt ? `, ${ukDateTime(x.completedAt)}` : ''}`,
            color: 'Good',
          }
        : x.status === 'not_applicable'
          ? { text: `– ${x.title}: not applicable (${x.completedByName ?? 'unknown'})`, color: 'Default' }
          : v.now && x.dueAt < v.now
            ? { text: `⚠ ${x.title}: OVERDUE, deadline ${ukDateTime(x.dueAt)}`, color: 'Attention' }
            : { text: `○ ${x.title}: due ${ukDateTime(x.dueAt)}`, color: 'Default' },
    );
  const data = {
    hasRecordsUrl: Boolean(v.recordsUrl),
    recordsUrl: v.recordsUrl ?? '',
    hasSchedule: schedule.length > 0,
    schedule,
    occurrenceId: v.occurrenceId,
    expectedVersion: review?.version ?? 0,
    submitTitle: review ? 'Save re-grade' : 'Submit review',
    title: `${nchi ? 'Non-crime hate incident review' : 'Hate crime review'} · ${v.reference}`,
    subtitle: `${v.district} · ${v.strands.map(humanise).join(', ')} · ${review ? 'reviewed' : 'awaiting HCC review'}`,
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
          riskRationale: review.riskRationale ?? '',
          tally: (['yes', 'no', 'na'] as const)
            .map((d) => `${DECISION_TEXT[d]}: ${review.decisions.filter((x) => x.decision === d).length}`)
            .join(' · '),
          hasNeedsAction: review.decisions.some((d) => d.decision === 'no'),
          needsAction: review.decisions.filter((d) => d.decision === 'no').map((d) => ({ label: d.itemLabel, note: d.note ?? '' })),
          isHigh: review.riskGrade === 'high',
          highRiskPrompts: [
            'Consider a MARAC referral.',
            'Arrange partner support (victim services, housing, council).',
            ...(repeatSuspect ? ['Repeat suspect: the NPT should record a Problem Solving Occurrence (PSO).'] : []),
          ],
        }
      : {},
    // After a refused submit the user's own answers come back in an open form, beside the current review.
    showForm: !review || Boolean(v.draft),
    showRegrade: Boolean(review) && !v.draft,
    form: {
      items: v.checklist.map((item, i) => ({
        n: i + 1,
        key: item.key,
        label: item.label,
        decision: draft?.decisions[item.key]?.decision ?? '',
        note: draft?.decisions[item.key]?.note ?? '',
      })),
      riskGrade: draft?.riskGrade ?? '',
      riskRationale: draft?.riskRationale ?? '',
    },
  };
  return reviewCardTemplate(data);
}

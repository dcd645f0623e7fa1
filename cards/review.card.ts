import { humanise, ukDateTime } from './format.js';
import { VERBS } from './verbs.js';
import { TEXT_LIMITS } from '../db/text-limits.js';
import { cardTemplate, subCard, type AdaptiveCard } from './card.js';

type Decision = 'yes' | 'no' | 'na';
type Grade = 'standard' | 'medium' | 'high';

/**
 * Everything the review card shows. References and classifications only: never a victim's,
 * complainant's, suspect's or subject's name, address or date of birth, nor their refs
 * (docs/domain.md "Data protection").
 */
export interface ReviewCardView {
  occurrenceId: string;
  reference: string;
  source: string;
  recordedAs: 'crime' | 'nchi';
  offence: string | null;
  strands: readonly string[];
  district: string;
  locationType: string | null;
  flaggedAt: Date;
  oic: { upn: string; name: string | null } | null;
  supervisor: { upn: string; name: string | null } | null;
  status: string;
  repeats: { victim: number; suspect: number; location: number; windowMonths: number; minOccurrences: number };
  /** Items in force, with the NCHI wording already chosen where the occurrence is an NCHI. */
  checklist: readonly { key: string; label: string }[];
  review: {
    version: number;
    riskGrade: Grade;
    riskRationale: string | null;
    reviewerName: string;
    reviewedAt: Date;
    decisions: readonly { itemKey: string; itemLabel: string; decision: Decision; note: string | null }[];
  } | null;
  /** The occurrence's review schedule (issue 3), by deadline, and the time to judge it against (no `now`: nothing is marked overdue). */
  schedule?: readonly {
    title: string;
    dueAt: Date;
    status: 'pending' | 'done' | 'not_applicable' | 'cancelled';
    completedByName: string | null;
    completedAt: Date | null;
  }[];
  now?: Date;
  /** A message above the form: why a submit was refused, or that someone reviewed first. */
  banner?: { kind: 'error' | 'warning' | 'success'; text: string; details?: readonly string[] };
  /** Answers to put back in the form (the user's own after a refused submit). */
  draft?: {
    decisions: Readonly<Record<string, { decision: Decision | null; note: string | null }>>;
    riskGrade: Grade | null;
    riskRationale: string | null;
  };
}

/** Why a submit was refused, or that someone reviewed first: shown at the top and again by the submit button. */
const bannerBlock = {
  type: 'Container',
  $when: '${hasBanner}',
  style: '${banner.style}',
  items: [
    { type: 'TextBlock', text: '${banner.text}', wrap: true, weight: 'Bolder' },
    { type: 'TextBlock', $data: '${banner.details}', text: '• ${$data}', wrap: true, spacing: 'None' },
  ],
};

const DECISION_TEXT: Record<Decision, string> = { yes: 'Yes', no: 'No', na: 'N/A' };
const GRADE_STYLE: Record<Grade, string> = { standard: 'good', medium: 'warning', high: 'attention' };
const BANNER_STYLE = { error: 'attention', warning: 'warning', success: 'good' } as const;

const formItems = [
  { type: 'TextBlock', text: 'HCC checklist', weight: 'Bolder', spacing: 'Medium' },
  {
    type: 'Container',
    $data: '${form.items}',
    spacing: 'Large',
    separator: true,
    items: [
      { type: 'TextBlock', text: '${n}. ${label}', wrap: true },
      {
        type: 'Input.ChoiceSet',
        id: 'item_${key}',
        label: 'Answer',
        style: 'compact',
        placeholder: 'Yes / No / N/A',
        value: '${decision}',
        isRequired: true,
        errorMessage: 'Answer yes, no or n/a',
        choices: [
          { title: 'Yes', value: 'yes' },
          { title: 'No – needs action', value: 'no' },
          { title: 'N/A', value: 'na' },
        ],
      },
      {
        type: 'Input.Text',
        id: 'note_${key}',
        placeholder: 'Note (for "no": what is needed, who, by when)',
        value: '${note}',
        maxLength: TEXT_LIMITS.reviewNote,
      },
    ],
  },
  {
    type: 'Input.ChoiceSet',
    id: 'riskGrade',
    label: 'Risk grade',
    style: 'expanded',
    value: '${form.riskGrade}',
    isRequired: true,
    errorMessage: 'Choose a risk grade',
    choices: [
      { title: 'Standard', value: 'standard' },
      { title: 'Medium', value: 'medium' },
      { title: 'High', value: 'high' },
    ],
  },
  {
    type: 'Input.Text',
    id: 'riskRationale',
    label: 'Rationale (required for medium and high)',
    isMultiline: true,
    maxLength: TEXT_LIMITS.riskRationale,
    value: '${form.riskRationale}',
  },
  // The submit button is at the bottom of a long card: repeat why it was refused where the user is.
  bannerBlock,
];

const submitAction = (title: string) => ({
  type: 'Action.Execute',
  title,
  verb: VERBS.reviewSubmit,
  style: 'positive',
  data: { occurrenceId: '${occurrenceId}', expectedVersion: '${expectedVersion}' },
  // Clients without Universal Actions (older Teams, Outlook) post a message instead.
  fallback: {
    type: 'Action.Submit',
    title,
    data: { verb: VERBS.reviewSubmit, occurrenceId: '${occurrenceId}', expectedVersion: '${expectedVersion}' },
  },
});

const compiled = cardTemplate({
  body: [
    {
      type: 'Container',
      style: 'emphasis',
      bleed: true,
      items: [
        { type: 'TextBlock', text: '${title}', size: 'Medium', weight: 'Bolder', wrap: true },
        { type: 'TextBlock', text: '${subtitle}', isSubtle: true, spacing: 'None', wrap: true },
      ],
    },
    bannerBlock,
    { type: 'FactSet', facts: [{ $data: '${facts}', title: '${title}', value: '${value}' }] },
    { type: 'TextBlock', text: '${repeatHeading}', weight: 'Bolder', spacing: 'Medium', wrap: true },
    { type: 'FactSet', spacing: 'Small', facts: [{ $data: '${repeatFacts}', title: '${title}', value: '${value}' }] },
    { type: 'TextBlock', $when: '${hasSchedule}', text: 'Review schedule', weight: 'Bolder', spacing: 'Medium' },
    { type: 'TextBlock', $data: '${schedule}', text: '${text}', color: '${color}', wrap: true, spacing: 'None' },
    {
      type: 'Container',
      $when: '${hasReview}',
      style: '${review.style}',
      spacing: 'Medium',
      items: [
        { type: 'TextBlock', text: 'Risk grade: ${review.gradeText}', weight: 'Bolder', size: 'Medium', wrap: true },
        {
          type: 'TextBlock',
          text: 'Reviewed by ${review.reviewerName}, ${review.reviewedText}${review.versionText}',
          wrap: true,
          spacing: 'None',
          isSubtle: true,
        },
        { type: 'TextBlock', $when: '${review.hasRationale}', text: 'Rationale: ${review.riskRationale}', wrap: true },
        { type: 'TextBlock', text: '${review.tally}', wrap: true },
        { type: 'TextBlock', $when: '${review.hasNeedsAction}', text: 'Needs action', weight: 'Bolder', spacing: 'Small' },
        { type: 'TextBlock', $data: '${review.needsAction}', text: '✗ ${label} — ${note}', wrap: true, spacing: 'None' },
        {
          type: 'Container',
          $when: '${review.isHigh}',
          spacing: 'Small',
          items: [
            { type: 'TextBlock', text: 'High risk: the coordinator keeps the task.', weight: 'Bolder', wrap: true },
            { type: 'TextBlock', $data: '${review.highRiskPrompts}', text: '• ${$data}', wrap: true, spacing: 'None' },
          ],
        },
      ],
    },
    { type: 'Container', $when: '${showForm}', items: formItems },
  ],
  actions: [
    { $when: '${showForm}', ...submitAction('${submitTitle}') },
    {
      $when: '${showRegrade}',
      type: 'Action.ShowCard',
      title: 'Re-grade',
      card: subCard({ body: formItems, actions: [submitAction('Save re-grade')] }),
    },
  ],
});

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
  return compiled(data);
}

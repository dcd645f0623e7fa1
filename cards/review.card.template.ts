import { VERBS } from './verbs.js';
import { TEXT_LIMITS } from '../db/text-limits.js';
import { cardTemplate, subCard } from './card.js';
import { endorsementButton } from './endorsement.card.js';

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

/**
 * The review card's Adaptive Card template (header, banner, facts, repeat indicators, schedule, saved
 * review, checklist form and submit/Re-grade actions), bound by renderReviewCard in review.card.ts.
 */
export const reviewCardTemplate = cardTemplate({
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
    { $when: '${hasRecordsUrl}', type: 'Action.OpenUrl', title: 'Open in records system', url: '${recordsUrl}' },
    // A reviewed card offers the advice as text for the records system (shown to whoever presses it, if they may see it).
    { $when: '${hasReview}', ...endorsementButton('${occurrenceId}') },
    {
      $when: '${showRegrade}',
      type: 'Action.ShowCard',
      title: 'Re-grade',
      card: subCard({ body: formItems, actions: [submitAction('Save re-grade')] }),
    },
  ],
});

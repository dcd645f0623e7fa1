import { cardTemplate } from './card.js';
import { endorsementButton } from './endorsement.card.js';
import { bannerBlock, formItems, openAction, submitAction } from './review-form.template.js';

/**
 * The review card's Adaptive Card template (header, banner, facts, repeat indicators, schedule, saved
 * review with every note and the grade history, the checklist form for someone allowed to submit,
 * and the submit or Review/Re-grade button), bound by renderReviewCard in review.card.ts.
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
        { type: 'TextBlock', $when: '${review.hasNchi}', text: '${review.nchiText}', wrap: true },
        // Beside the form (a re-grade, or answers sent back) the inputs show the answers and notes: the summary stays short.
        {
          type: 'Container',
          $when: '${review.detailed}',
          spacing: 'None',
          items: [
            { type: 'TextBlock', text: '${review.tally}', wrap: true },
            { type: 'TextBlock', $when: '${review.hasNeedsAction}', text: 'Needs action', weight: 'Bolder', spacing: 'Small' },
            { type: 'TextBlock', $data: '${review.needsAction}', text: '✗ ${label} — ${note}', wrap: true, spacing: 'None' },
            // Notes on items answered yes or n/a are part of the review too (issue 12 item 8).
            { type: 'TextBlock', $when: '${review.hasOtherNotes}', text: 'Notes', weight: 'Bolder', spacing: 'Small' },
            {
              type: 'TextBlock',
              $data: '${review.otherNotes}',
              text: '${mark} ${label} (${answer}) — ${note}',
              wrap: true,
              spacing: 'None',
            },
            {
              type: 'Container',
              $when: '${review.isHigh}',
              spacing: 'Small',
              items: [
                { type: 'TextBlock', text: 'High risk: the coordinator keeps the task.', weight: 'Bolder', wrap: true },
                { type: 'TextBlock', $data: '${review.highRiskPrompts}', text: '• ${$data}', wrap: true, spacing: 'None' },
              ],
            },
            { type: 'TextBlock', text: 'Grade history', weight: 'Bolder', spacing: 'Small' },
            { type: 'TextBlock', $data: '${review.grades}', text: '${$data}', wrap: true, spacing: 'None', isSubtle: true },
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
    // Read-only cards (a channel has many viewers) ask for the form: only those allowed to submit get it.
    { $when: '${offerReview}', ...openAction('${openTitle}') },
  ],
});

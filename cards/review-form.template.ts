import { SUBJECT_REF_CHOICES, VERBS } from './verbs.js';
import { TEXT_LIMITS } from '../db/text-limits.js';

/** Why a submit was refused, or that someone reviewed first: shown at the top and again by the submit button. */
export const bannerBlock = {
  type: 'Container',
  $when: '${hasBanner}',
  style: '${banner.style}',
  items: [
    { type: 'TextBlock', text: '${banner.text}', wrap: true, weight: 'Bolder' },
    { type: 'TextBlock', $data: '${banner.details}', text: '• ${$data}', wrap: true, spacing: 'None' },
  ],
};

/**
 * One checklist item on one row (issue 12 item 8: the card fits in about two screens): the item,
 * its answer, and (up to NOTE_BUTTON_ITEMS items) a Note button that shows the item's note box. The box starts hidden unless the
 * item has a note or is answered "no" (answers kept after a refused submit, or a re-grade), so the
 * form shows a note field only where one is needed. Whether a "no" has its note is still decided
 * by the one answer rule when the card is submitted (db/reviews/checklist.policy.ts).
 */
const itemRow = {
  type: 'Container',
  $data: '${form.items}',
  separator: true,
  items: [
    {
      type: 'ColumnSet',
      columns: [
        {
          type: 'Column',
          width: 'stretch',
          items: [{ type: 'TextBlock', text: '${n}. ${label}', wrap: true }],
        },
        {
          type: 'Column',
          width: '150px',
          items: [
            {
              type: 'Input.ChoiceSet',
              id: 'item_${key}',
              label: 'Answer',
              style: 'compact',
              value: '${decision}',
              isRequired: true,
              choices: [
                { title: 'Yes', value: 'yes' },
                { title: 'No – needs action', value: 'no' },
                { title: 'N/A', value: 'na' },
              ],
            },
          ],
        },
        {
          type: 'Column',
          $when: '${$root.form.notePerItem}',
          width: 'auto',
          verticalContentAlignment: 'Bottom',
          items: [{ type: 'ActionSet', actions: [{ type: 'Action.ToggleVisibility', title: 'Note', targetElements: ['note_${key}'] }] }],
        },
      ],
    },
    {
      type: 'Input.Text',
      id: 'note_${key}',
      isVisible: '${noteShown}',
      label: 'Note on item ${n}',
      value: '${note}',
      maxLength: TEXT_LIMITS.reviewNote,
    },
  ],
};

/** The checklist form: one row per item, the risk grade and its rationale, and the banner again by the button. */
export const formItems = [
  { type: 'TextBlock', text: 'HCC checklist', weight: 'Bolder', spacing: 'Medium' },
  {
    type: 'TextBlock',
    // Said once here rather than as a hint in every note box: the card stays small for long checklists.
    text: 'Answer every item. A "no" needs a note (press Note): what is needed, who and by when.',
    wrap: true,
    isSubtle: true,
    spacing: 'None',
  },
  itemRow,
  // A long checklist (a force's own, up to 30 items) has one Notes button for every hidden note box
  // instead of one per row, so the card stays within Teams' message size.
  {
    type: 'ActionSet',
    $when: '${!form.notePerItem && count(form.hiddenNotes) > 0}',
    actions: [{ type: 'Action.ToggleVisibility', title: 'Notes', targetElements: '${form.hiddenNotes}' }],
  },
  // NCHI_POLICY=code-2023: the Code of Practice decisions, asked of an NCHI only.
  {
    type: 'Input.ChoiceSet',
    $when: '${form.nchiDecision}',
    id: 'nchiThreshold',
    label: 'NCHI Code of Practice threshold met (not trivial, irrational or malicious)',
    style: 'expanded',
    spacing: 'Medium',
    value: '${form.nchiThreshold}',
    isRequired: true,
    errorMessage: 'Say whether the threshold is met',
    choices: [
      { title: 'Yes', value: 'yes' },
      { title: 'No', value: 'no' },
    ],
  },
  {
    type: 'Input.ChoiceSet',
    $when: '${form.nchiDecision}',
    id: 'nchiSubjectRefs',
    label: "Subject's personal data",
    style: 'expanded',
    value: '${form.nchiSubjectRefs}',
    isRequired: true,
    errorMessage: "Choose whether the subject's refs are kept",
    choices: SUBJECT_REF_CHOICES,
  },
  {
    type: 'Input.ChoiceSet',
    id: 'riskGrade',
    label: 'Risk grade',
    style: 'expanded',
    spacing: 'Medium',
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
  // The submit button is at the bottom of the form: repeat why it was refused where the user is.
  bannerBlock,
];

/** Submits the form (Action.Execute `review.submit`), falling back to Action.Submit on clients without Universal Actions. */
export const submitAction = (title: string) => ({
  type: 'Action.Execute',
  title,
  verb: VERBS.reviewSubmit,
  style: 'positive',
  data: { occurrenceId: '${occurrenceId}', expectedVersion: '${expectedVersion}' },
  fallback: {
    type: 'Action.Submit',
    title,
    data: { verb: VERBS.reviewSubmit, occurrenceId: '${occurrenceId}', expectedVersion: '${expectedVersion}' },
  },
});

/**
 * "Review" (or "Re-grade") on the read-only card: asks for the form, which the bot returns only to
 * the person who pressed it and only if the access rule lets them submit. Clients without
 * Universal Actions post it as a message instead; the bot then answers with where to review.
 */
export const openAction = (title: string) => ({
  type: 'Action.Execute',
  title,
  verb: VERBS.reviewOpen,
  data: { occurrenceId: '${occurrenceId}' },
  fallback: { type: 'Action.Submit', title, data: { verb: VERBS.reviewOpen, occurrenceId: '${occurrenceId}', reference: '${reference}' } },
});

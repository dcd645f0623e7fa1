import { ACTION_VERBS, bannerBlock, PILLAR_LABELS } from './actions.verbs.js';
import { adaptiveCard, type AdaptiveCard } from './card.js';
import { TEXT_LIMITS } from '../db/text-limits.js';

/** The assign form: for coordinators who would rather not type the `assign` syntax. */
export interface AssignFormView {
  /** Known people, the coordinator first (value `user:<id>`). */
  people: readonly { id: string; name: string; upn: string | null }[];
  actorUserId: string | null;
  /** What was entered (kept when a submit is refused). */
  values?: Partial<Record<'text' | 'holder' | 'holderOther' | 'agency' | 'pillar' | 'due' | 'ref' | 'objective', string>>;
  banner?: { kind: 'error' | 'success'; text: string };
}

const PILLARS = [
  'prevention',
  'responding',
  'increasing_reporting',
  'supporting_victims',
  'building_understanding',
  'investigation_quality',
];

/** Renders the assign form (Action.Execute `action.assign`, with the Action.Submit fallback). Pure. */
export function renderAssignForm(v: AssignFormView): AdaptiveCard {
  const val = v.values ?? {};
  const people = v.people.map((p) => ({
    title: p.id === v.actorUserId ? `Me (${p.name})` : p.upn ? `${p.name} (${p.upn})` : p.name,
    value: `user:${p.id}`,
  }));
  return adaptiveCard({
    body: [
      { type: 'TextBlock', text: 'Assign a delivery-plan action', weight: 'Bolder', size: 'Medium', wrap: true },
      ...bannerBlock(v.banner),
      {
        type: 'Input.Text',
        id: 'text',
        label: 'Action',
        placeholder: 'What is to be done',
        isMultiline: true,
        isRequired: true,
        errorMessage: 'Say what is to be done',
        maxLength: TEXT_LIMITS.actionText,
        value: val.text ?? '',
      },
      {
        type: 'Input.ChoiceSet',
        id: 'holder',
        label: 'Holder',
        style: 'filtered',
        placeholder: 'Choose a person',
        value: val.holder ?? '',
        choices: people,
      },
      {
        type: 'Input.Text',
        id: 'holderOther',
        label: 'or their UPN / e-mail (if not in the list)',
        placeholder: 'name@force.police.uk',
        maxLength: TEXT_LIMITS.personTyped,
        value: val.holderOther ?? '',
      },
      {
        type: 'Input.Text',
        id: 'agency',
        label: 'Agency (optional: the holder is then its named contact)',
        placeholder: 'e.g. OCC, TVP, Victim Support',
        maxLength: TEXT_LIMITS.agency,
        value: val.agency ?? '',
      },
      {
        type: 'Input.ChoiceSet',
        id: 'pillar',
        label: 'Pillar',
        value: val.pillar ?? '',
        placeholder: 'Choose a pillar',
        choices: PILLARS.map((p) => ({ title: PILLAR_LABELS[p]!, value: p })),
      },
      { type: 'Input.Date', id: 'due', label: 'Due (optional)', value: val.due ?? '' },
      {
        type: 'Input.Text',
        id: 'ref',
        label: 'Ref (optional, e.g. 3.3 h; blank gives A1, A2 …)',
        maxLength: TEXT_LIMITS.ref,
        value: val.ref ?? '',
      },
      { type: 'Input.Text', id: 'objective', label: 'Objective (optional)', maxLength: TEXT_LIMITS.objective, value: val.objective ?? '' },
    ],
    actions: [
      {
        type: 'Action.Execute',
        title: 'Assign',
        verb: ACTION_VERBS.assign,
        data: {},
        fallback: { type: 'Action.Submit', title: 'Assign', data: { verb: ACTION_VERBS.assign } },
      },
    ],
  });
}

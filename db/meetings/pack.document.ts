/**
 * The meeting pack as a Word document, laid out as seed 001's agendas: appendix B (the monthly
 * tactical meeting, 11 items) or appendix A (the quarterly strategic group, 6 items), with the
 * headings in the seed's order and wording, each item filled from the data or saying that there
 * is nothing to report, and ruled space for minutes. Counts and staff only: no victim, suspect or
 * location ever appears (the pack's data holds none).
 */
import { bullet, field, heading, minutesSpace, packDocument, para, type FileChild } from '../documents/docx.js';
import { FORMATS, inLondon, ukDateTime } from '../time/london-time.js';
import type { MeetingPackData } from './pack.service.js';
import {
  deliveryPlan,
  districtFigures,
  funding,
  goodNews,
  keyActions,
  lastMeeting,
  nextDate,
  outcomes,
  partners,
  thirdParty,
} from './pack.sections.js';

/** One agenda item: its number and heading, what the data says, and space for minutes. */
const item = (n: number, title: string, body: readonly FileChild[], minutes = 3): FileChild[] => [
  heading(`${n}. ${title}`),
  ...body,
  ...(minutes ? minutesSpace(minutes) : []),
];

function when(v: MeetingPackData): FileChild[] {
  const at = v.meeting && inLondon(v.meeting.startsAt);
  return [
    field('Date', at ? at.toFormat(FORMATS.day) : 'not scheduled yet'),
    // The zone's name as en-GB says it (GMT or BST), as ukDateTime does.
    field('Time', at ? `${at.toFormat('HH:mm')} ${at.setLocale('en-GB').toFormat('ZZZZ')}` : ''),
    field('Location', ''),
  ];
}

function tactical(v: MeetingPackData): FileChild[] {
  return [
    ...when(v),
    field('Invitees', 'the district hate crime SPOCs, the Victim & Witness Hub and the partner agency leads'),
    heading('AGENDA'),
    ...item(1, 'Introductions and apologies', [
      bullet('Apologies from:'),
      para('Aim & purpose of the meeting:', { keepNext: true }),
      bullet('6 Strategic Aims'),
      bullet('Delivery Action Plan'),
      bullet('Monitor Performance & add key themes'),
    ]),
    ...item(2, 'Summary of last meeting', lastMeeting(v)),
    ...item(3, 'Promoting the key strands of the National Hate Crime Plan', keyActions(v), 0),
    ...item(4, 'District Updates', [heading('Investigation quality and crime scrutiny', 2), ...districtFigures(v)]),
    ...item(5, 'Delivery plan updates', deliveryPlan(v)),
    ...item(6, 'Raising the profile of public confidence and satisfaction', [
      para('Good News Stories and Media & Positive CJ Outcomes', { italic: true, keepNext: true }),
      heading('Positive CJ outcomes', 2),
      ...outcomes(v),
      heading('Good news stories and media', 2),
      ...goodNews(v),
    ]),
    ...item(7, 'Third Party reporting', thirdParty(v)),
    ...item(8, 'Funding opportunities', funding(v)),
    ...item(9, 'Partnerships', [para('Engagement; Key Contacts/KINS', { italic: true, keepNext: true }), ...partners(v)]),
    ...item(10, 'AOB', [], 4),
    heading(`11. Date of Next Meeting: ${nextDate(v)}`),
  ];
}

const KEY_LEADERS = [
  'Tactical lead',
  'Hate crime co-ordinator',
  'Force crime managers representative & prevention/partnership reps from each area',
  'Engagement tactical lead',
  'Relevant partner agency leads',
  'Victims hub manager',
  'Corporate Communications',
];

function strategic(v: MeetingPackData): FileChild[] {
  return [
    ...when(v),
    field('Invitees', ''),
    para('**Regular key leaders:**', { keepNext: true }),
    ...KEY_LEADERS.map((k) => bullet(k)),
    heading('AGENDA'),
    ...item(1, 'Introductions and apologies', [
      bullet('Confirm terms of reference'),
      bullet('Update from tactical meeting'),
      bullet('Partner updates'),
      ...partners(v),
    ]),
    ...item(2, 'Performance Update', [
      para('Crime/Incident review (trends, locations, nominals). Counts only: this pack names no victim, suspect or location.', {
        italic: true,
        keepNext: true,
      }),
      ...districtFigures(v),
      heading('How reports came in (third party reporting)', 2),
      ...thirdParty(v),
      heading('Positive CJ outcomes', 2),
      ...outcomes(v),
    ]),
    ...item(3, 'Delivery Plan', [
      para('Emphasis on activity against the force/national strategy, Taking Action against Hate Crime.', { italic: true }),
      ...keyActions(v),
      ...deliveryPlan(v),
    ]),
    ...item(4, 'Communications', [
      heading('Good News Stories and Media', 2),
      ...goodNews(v),
      heading('Exceptional reporting, e.g. worldwide events', 2),
      para('Nothing recorded in the bot: members raise events here.'),
    ]),
    ...item(5, 'Any Other Business', [], 4),
    heading(`6. Date of Next Meeting: ${nextDate(v)}`),
  ];
}

/**
 * Renders the pack as a .docx (A4): appendix B for a tactical meeting, appendix A for a strategic one.
 * @param now when it is generated (the footer says so)
 * @returns the file's bytes
 */
export function renderPackDocument(v: MeetingPackData, now: Date): Promise<Uint8Array> {
  return packDocument({
    title: v.title,
    subtitle: [`Meeting pack: changes since ${v.sinceLabel}.`],
    footer: `${v.title} · pack generated ${ukDateTime(now)}`,
    body: v.kind === 'tactical' ? tactical(v) : strategic(v),
  });
}

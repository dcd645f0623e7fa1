import { STATUS_LABELS } from './actions.verbs.js';
import { clip, ukDateTime } from './format.js';
import { adaptiveCard, type AdaptiveCard } from './card.js';

/** What the short pack card shows (structurally the pack service's PostedPack). */
export interface MeetingPackView {
  kind: 'tactical' | 'strategic';
  title: string;
  meeting: { startsAt: Date } | null;
  following: Date | null;
  broughtForward: number;
  sinceLabel: string;
  notUpdated: readonly { owner: string; refs: readonly string[] }[];
  proposedDischarge: readonly { ref: string; text: string; status: string }[];
  figures: {
    crime: number;
    nchi: number;
    thirdPartyAndOnline: number;
    outcomes: { closed: number; positive: number };
    overdueActions: number;
  };
  document: { url: string; expiresAt: Date };
}

/** Lines of a list the card shows before it points to the document for the rest. */
const SHOWN = 6;

const tb = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text, wrap: true, ...extra });
const subtle = (text: string) => tb(text, { isSubtle: true, spacing: 'None', size: 'Small' });
const n = (count: number, one: string, many = `${one}s`) => `${count.toLocaleString('en-GB')} ${count === 1 ? one : many}`;

/** A short list: the first SHOWN lines, then how many more are in the document. */
function shortList(title: string, lines: readonly string[], none: string, what: string): Record<string, unknown>[] {
  const more = lines.length - SHOWN;
  return [
    tb(title, { weight: 'Bolder', spacing: 'Medium' }),
    ...(lines.length ? lines.slice(0, SHOWN).map((l) => tb(`• ${l}`, { spacing: 'None' })) : [subtle(none)]),
    ...(more > 0 ? [subtle(`…and ${n(more, what)} more in the full pack.`)] : []),
  ];
}

/**
 * The meeting pack card (issue 13 items 4 and 5): the meeting, headline figures since the last
 * one, who has not updated, what is proposed for discharge, and a button that opens the full pack
 * as a Word document (the agenda of seed 001 filled in). Lists stop at six lines, so the card stays
 * well inside one screen and Teams' 28 KB limit. Pure.
 */
export function renderMeetingPackCard(v: MeetingPackView): AdaptiveCard {
  const f = v.figures;
  const when = v.meeting ? ukDateTime(v.meeting.startsAt) : `not scheduled yet (\`meeting schedule ${v.kind} DATE TIME\`)`;
  return adaptiveCard({
    body: [
      {
        type: 'Container',
        style: 'emphasis',
        bleed: true,
        items: [
          tb(v.title, { weight: 'Bolder', size: 'Medium' }),
          tb(`Date and time: ${when}`, { spacing: 'None' }),
          subtle(`Meeting pack: changes since ${v.sinceLabel}.`),
        ],
      },
      {
        type: 'FactSet',
        spacing: 'Medium',
        facts: [
          { title: 'Hate occurrences', value: `${n(f.crime, 'crime')}, ${n(f.nchi, 'NCHI')}` },
          { title: 'Third party and online', value: n(f.thirdPartyAndOnline, 'report') },
          { title: 'Positive CJ outcomes', value: `${f.outcomes.positive} of ${n(f.outcomes.closed, 'closed occurrence')}` },
          { title: 'Open actions', value: `${v.broughtForward} (${f.overdueActions} overdue)` },
          { title: 'Next meeting', value: v.following ? ukDateTime(v.following) : 'to be agreed' },
        ],
      },
      ...shortList(
        'Not updated since the last meeting',
        v.notUpdated.map((o) => `${o.owner}: ${clip(o.refs.join(', '), 80)}`),
        'Every open action has an update.',
        'holder',
      ),
      ...shortList(
        'Proposed for discharge (the tactical lead decides)',
        v.proposedDischarge.map((a) => `${a.ref} ${clip(a.text, 70)} — ${STATUS_LABELS[a.status] ?? a.status}`),
        'None.',
        'action',
      ),
      subtle(`The full pack opens in Word. The link works until ${ukDateTime(v.document.expiresAt)}; every download is logged.`),
    ],
    actions: [{ type: 'Action.OpenUrl', title: 'Open the full pack (Word)', url: v.document.url }],
  });
}

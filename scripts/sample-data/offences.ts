/** What was recorded: offences by Home Office group, and how occurrences close (outcome, satisfaction). */
import type { FeedOccurrence, OccurrenceStatus, RecordedAs } from './feed.js';
import { chance, pickWeighted, type Rng } from './random.js';

export const RRA = 'Racially or religiously aggravated';
/** Offence groups of recorded hate crime. */
export type OffenceCategory =
  'public_order' | 'violence_no_injury' | 'violence_injury' | 'harassment' | 'criminal_damage' | 'acquisitive' | 'communications';
/**
 * Offence groups of hate crimes recorded in England and Wales (Home Office):
 * about half public order, about 40% violence against the person (including
 * stalking and harassment), criminal damage about 6%. Online occurrences use
 * the communications group instead.
 */
export const OFFLINE_CATEGORIES: ReadonlyArray<readonly [OffenceCategory, number]> = [
  ['public_order', 56],
  ['violence_no_injury', 14],
  ['violence_injury', 8],
  ['harassment', 10],
  ['criminal_damage', 7],
  ['acquisitive', 5],
];
/** Offences per group: [plain offence, racially/religiously aggravated form or null, weight]. */
export const OFFENCES: Readonly<Record<OffenceCategory, ReadonlyArray<readonly [string, string | null, number]>>> = {
  public_order: [
    ['Public fear, alarm or distress (s5 Public Order Act 1986)', `${RRA} public fear, alarm or distress (s31 CDA 1998)`, 50],
    [
      'Intentional harassment, alarm or distress (s4A Public Order Act 1986)',
      `${RRA} intentional harassment, alarm or distress (s31 CDA 1998)`,
      35,
    ],
    ['Fear or provocation of violence (s4 Public Order Act 1986)', `${RRA} fear or provocation of violence (s31 CDA 1998)`, 15],
  ],
  violence_no_injury: [['Common assault and battery', `${RRA} common assault`, 1]],
  violence_injury: [
    ['Assault occasioning actual bodily harm', `${RRA} assault occasioning actual bodily harm`, 88],
    ['Wounding or inflicting grievous bodily harm (s20 OAPA 1861)', `${RRA} wounding or inflicting grievous bodily harm`, 12],
  ],
  harassment: [
    ['Harassment', `${RRA} harassment`, 50],
    ['Stalking', null, 20],
    ['Malicious communications', null, 30],
  ],
  criminal_damage: [
    ['Criminal damage to a dwelling', 'Criminal damage – racially or religiously aggravated', 45],
    ['Criminal damage to a vehicle', 'Criminal damage – racially or religiously aggravated', 35],
    ['Criminal damage to other building', 'Criminal damage – racially or religiously aggravated', 15],
    ['Arson not endangering life', null, 5],
  ],
  acquisitive: [
    ['Robbery of personal property', null, 35],
    ['Theft from the person', null, 35],
    ['Fraud by false representation', null, 15],
    ['Burglary – residential', null, 15],
  ],
  communications: [
    ['Malicious communications', null, 45],
    ['Sending grossly offensive or menacing messages (s127 Communications Act 2003)', null, 20],
    ['Harassment', `${RRA} harassment`, 25],
    ['Stalking', null, 10],
  ],
};

export type Outcome = readonly [string, OccurrenceStatus, number, number]; // text, status, weight, P(satisfied)
export const NO_SUSPECT_OUTCOMES: readonly Outcome[] = [
  ['Investigation complete – no suspect identified', 'filed', 85, 0.45],
  ['Evidential difficulties: suspect not identified; victim does not support action', 'filed', 15, 0.55],
];
/** Home Office outcome types where a suspect was identified (hate crime mix, approximate). */
export const SUSPECT_OUTCOMES: readonly Outcome[] = [
  ['Charge/summons', 'closed', 16, 0.82],
  ['Out of court (formal)', 'closed', 4, 0.72],
  ['Out of court (informal)', 'closed', 8, 0.7],
  ['Evidential difficulties: victim does not support action', 'closed', 38, 0.6],
  ['Evidential difficulties: suspect identified; victim supports action', 'closed', 24, 0.35],
  ['Prosecution prevented or not in the public interest', 'closed', 3, 0.4],
  ['Further investigation to support formal action not in the public interest', 'closed', 4, 0.45],
  ['Action undertaken by another body or agency', 'closed', 3, 0.55],
];

/** Status, outcome and satisfaction: older occurrences are more often finalised. */
export function closure(
  rnd: Rng,
  o: { recordedAs: RecordedAs; ageDays: number; suspects: number; victims: number },
): Pick<FeedOccurrence, 'status' | 'outcome' | 'victimSatisfied'> {
  if (o.recordedAs === 'nchi') {
    const pClosed = o.ageDays < 3 ? 0.1 : Math.min(0.95, 0.5 + o.ageDays / 60);
    if (!chance(rnd, pClosed)) return { status: 'open' };
    return o.victims > 0 && chance(rnd, 0.3) ? { status: 'closed', victimSatisfied: chance(rnd, 0.6) } : { status: 'closed' };
  }
  const pClosed = o.ageDays < 7 ? 0.02 : Math.min(0.9, 0.1 + o.ageDays / 200);
  if (!chance(rnd, pClosed)) return { status: 'open' };
  const [outcome, status, , pSatisfied] = pickWeighted(
    rnd,
    (o.suspects === 0 ? NO_SUSPECT_OUTCOMES : SUSPECT_OUTCOMES).map((x) => [x, x[2]] as const),
  );
  return o.victims > 0 && chance(rnd, 0.55) ? { status, outcome, victimSatisfied: chance(rnd, pSatisfied) } : { status, outcome };
}

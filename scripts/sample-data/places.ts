/** Where occurrences happen, and the short generic summary (no names) that says what happened there. */
import type { CoreStrand, LocationType, RecordedAs } from './feed.js';
import type { OffenceCategory } from './offences.js';
import { pickOne, type Rng } from './random.js';

export const LOCATION_TYPES: ReadonlyArray<readonly [LocationType, number]> = [
  ['residential', 30],
  ['street', 27],
  ['public_transport', 8],
  ['night_time_economy', 9],
  ['school', 5],
  ['workplace', 11],
  ['online', 10],
];

/** Place phrase for summaries and the generic description kept on the location. */
export const PLACES: Readonly<Record<LocationType, ReadonlyArray<readonly [string, string]>>> = {
  residential: [
    ['outside their home', 'Residential street'],
    ['at their home address', 'Dwelling'],
    ['in the communal area of their block of flats', 'Block of flats'],
  ],
  street: [
    ['in the street', 'Street'],
    ['in a town centre street', 'Town centre'],
    ['in a park', 'Park'],
    ['near a bus stop', 'Bus stop'],
  ],
  public_transport: [
    ['on a bus', 'Bus'],
    ['on a train', 'Train'],
    ['at a railway station', 'Railway station'],
    ['at a bus station', 'Bus station'],
    ['in a taxi', 'Taxi'],
  ],
  night_time_economy: [
    ['outside a bar', 'Licensed premises'],
    ['in a takeaway', 'Takeaway'],
    ['outside a nightclub', 'Nightclub'],
    ['in a pub', 'Licensed premises'],
  ],
  school: [
    ['at school', 'School'],
    ['outside a school', 'School'],
    ['at a college', 'College'],
  ],
  workplace: [
    ['at their workplace', 'Workplace'],
    ['in the shop where they work', 'Shop'],
    ['while working as a taxi driver', 'Taxi'],
    ['at a supermarket', 'Supermarket'],
  ],
  online: [
    ['on social media', 'Social media'],
    ['via a messaging app', 'Messaging app'],
    ['in an online gaming chat', 'Online gaming'],
  ],
};

/** A location ref with its type, the phrase for summaries and the generic description. */
export interface Place {
  ref: string;
  type: LocationType;
  phrase: string;
  description: string;
}

export const ADJECTIVES: ReadonlyMap<string, string> = new Map<CoreStrand, string>([
  ['race', 'racist'],
  ['religion', 'religiously motivated'],
  ['sexual_orientation', 'homophobic'],
  ['disability', 'disablist'],
  ['transgender', 'transphobic'],
]);

/** Short generic summary without names, e.g. "Victim subjected to racist abuse on a bus by an unknown male." */
export function summaryText(
  rnd: Rng,
  o: { recordedAs: RecordedAs; category: OffenceCategory | undefined; strands: readonly string[]; place: Place; suspects: number },
): string {
  const adj = o.strands.map((s) => ADJECTIVES.get(s) ?? 'hostile').join(' and ');
  const online = o.place.type === 'online';
  const unknown = online
    ? ['an anonymous account', 'an unknown account holder']
    : ['an unknown male', 'an unknown female', 'a group of unknown youths', 'an unknown person'];
  const known: Record<LocationType, readonly string[]> = {
    residential: ['a neighbour', 'a male known to the victim'],
    street: ['a local male', 'a local youth'],
    public_transport: ['a fellow passenger'],
    night_time_economy: ['another customer'],
    school: ['a pupil', 'a parent'],
    workplace: ['a customer', 'a colleague'],
    online: ['a known account holder', 'a former acquaintance'],
  };
  const who =
    o.recordedAs === 'nchi'
      ? o.suspects > 0
        ? 'a subject'
        : pickOne(rnd, unknown)
      : o.suspects === 0
        ? pickOne(rnd, unknown)
        : o.suspects > 1
          ? online
            ? 'several account holders'
            : 'a group of known youths'
          : pickOne(rnd, known[o.place.type]);
  const at = o.place.phrase;
  const cap = adj.charAt(0).toUpperCase() + adj.slice(1);
  const templates: Record<OffenceCategory | 'nchi', readonly string[]> = {
    nchi: [
      `Complainant reports ${adj} remarks made ${at} by ${who}; no offence disclosed.`,
      `Complainant reports ${adj} comments ${at} by ${who}; threshold for an offence not met.`,
      ...(online ? [] : [`${cap} stickers or leaflets left ${at}; no offence identified.`]),
    ],
    public_order: [
      `Victim subjected to ${adj} abuse ${at} by ${who}.`,
      `${cap} comments shouted at victim ${at} by ${who}.`,
      `Victim threatened and subjected to ${adj} language ${at} by ${who}.`,
    ],
    violence_no_injury: [
      `Victim pushed and subjected to ${adj} abuse ${at} by ${who}.`,
      `Victim spat at ${at} by ${who} during ${adj} abuse.`,
    ],
    violence_injury: [
      `Victim punched, causing injury, during ${adj} abuse ${at} by ${who}.`,
      `Victim assaulted and injured ${at} by ${who}; ${adj} remarks made.`,
    ],
    harassment: [
      `Victim repeatedly targeted with ${adj} abuse ${at} by ${who} over several weeks.`,
      `Victim followed and repeatedly contacted by ${who}; ${adj} remarks made.`,
    ],
    criminal_damage: [
      `Victim's property damaged ${at} by ${who}; ${adj} slur left.`,
      ...(o.place.type === 'residential' ? [`${cap} graffiti daubed on victim's home by ${who}.`] : []),
    ],
    acquisitive: [
      `Victim's property taken ${at} by ${who}; ${adj} abuse used.`,
      `Victim targeted for theft ${at} by ${who}, who made ${adj} remarks.`,
    ],
    communications: [`Victim received ${adj} messages ${at} from ${who}.`, `${cap} abuse posted about victim ${at} by ${who}.`],
  };
  return pickOne(rnd, templates[o.recordedAs === 'nchi' || !o.category ? 'nchi' : o.category]);
}

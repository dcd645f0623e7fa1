/**
 * Synthetic hate crime / NCHI occurrences in the "Occurrence feed" format of
 * docs/interfaces.md, for demos, load tests and local development.
 *
 * Pure and deterministic: the same options (seed, now, ...) give the same
 * output; no I/O, no clock, no Math.random. Realism follows docs/domain.md and the
 * Home Office hate crime statistics (year to March 2025, excluding the Met).
 * Every person and location is a pseudonymous reference (`P-0001234`,
 * `L-004512`); there are no names, addresses or dates of birth anywhere, and
 * summaries are short generic text. Officer names are synthetic.
 */
import { DateTime } from 'luxon';
import { ZONE } from '../db/time/london-time.js';

// ---------------------------------------------------------------- types

/** The five centrally monitored strands (docs/domain.md); the feed also accepts configured local strands. */
export type CoreStrand = 'race' | 'religion' | 'sexual_orientation' | 'disability' | 'transgender';
export type FeedSource = 'rms' | 'third_party' | 'online' | 'manual';
export type RecordedAs = 'crime' | 'nchi';
export type OccurrenceStatus = 'open' | 'filed' | 'closed';
/** Location types named in docs/interfaces.md ("such as"; the feed accepts others). */
export type LocationType = 'residential' | 'street' | 'public_transport' | 'night_time_economy' | 'school' | 'workplace' | 'online';

export interface FeedOfficer {
  /** User principal name, e.g. `pc4521.khan@contoso.police.uk`. */
  upn: string;
  name?: string;
}

/**
 * One occurrence as sent to `POST /api/occurrences` or imported from JSONL
 * (docs/interfaces.md, "Occurrence feed"). Date-times are ISO 8601 with offset.
 */
export interface FeedOccurrence {
  /** RMS occurrence number, 1-64 chars, e.g. `13/204518/26`. */
  reference: string;
  source?: FeedSource;
  recordedAs: RecordedAs;
  /** Offence or Home Office classification; present when `recordedAs` is `crime`. */
  offence?: string;
  /** At least one strand key (core or configured local strand). */
  strands: string[];
  flaggedAt: string;
  reportedAt?: string;
  occurredAt?: string;
  allocatedAt?: string;
  district: string;
  location?: { ref: string; type?: string; description?: string };
  /** Victims (complainants for an NCHI); may be empty for an NCHI. */
  victims: { ref: string; vulnerable?: boolean; enhanced?: boolean }[];
  /** Suspects (subjects for an NCHI). */
  suspects?: { ref: string }[];
  /** Up to 1,000 chars, no names. */
  summary?: string;
  oic?: FeedOfficer;
  supervisor?: FeedOfficer;
  status?: OccurrenceStatus;
  /** Home Office outcome type on closure. */
  outcome?: string;
  victimSatisfied?: boolean;
}

export interface GenerateOptions {
  /** Number of occurrences, 0..100,000. */
  count: number;
  /** Any integer; the same seed (and `now`) gives the same output. */
  seed: number;
  /** End of the time window; flaggedAt values lie in [now - months, now]. */
  now: Date;
  /** Policing districts; default Bradford, Calderdale, Kirklees, Leeds, Wakefield. */
  districts?: string[];
  /** When given, every occurrence has this officer in charge (no name). */
  oicUpn?: string;
  /** When given, every occurrence has this supervisor (no name). */
  supervisorUpn?: string;
  /** Length of the window in months, default 12. */
  months?: number;
}

// ---------------------------------------------------------------- constants

export const DEFAULT_DISTRICTS: readonly string[] = ['Bradford', 'Calderdale', 'Kirklees', 'Leeds', 'Wakefield'];
/** Relative occurrence volume of the default districts (roughly by population). */
const DEFAULT_DISTRICT_WEIGHTS: Readonly<Record<string, number>> = {
  Bradford: 24,
  Calderdale: 10,
  Kirklees: 18,
  Leeds: 36,
  Wakefield: 14,
};
export const MAX_COUNT = 100_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Repeat window of the default repeat rule (docs/domain.md: 2+ occurrences within 12 months). */
const REPEAT_WINDOW_MS = 365 * DAY_MS;
/** Share of occurrences that reuse an earlier victim, suspect or location ref. */
const REPEAT_RATE = 0.15;
const NCHI_RATE = 0.12;

/**
 * Strand combinations with their share of all occurrences (per cent). Chosen
 * so the marginal shares match the Home Office mix in docs/domain.md: race 71,
 * sexual orientation 16, disability 9, religion 6, transgender 3 (5% of
 * occurrences carry two strands, hence the sum of 105).
 */
const STRAND_COMBOS: ReadonlyArray<readonly [CoreStrand[], number]> = [
  [['race'], 67.6],
  [['sexual_orientation'], 13.9],
  [['disability'], 8.2],
  [['religion'], 3.5],
  [['transgender'], 1.8],
  [['race', 'religion'], 2.5],
  [['sexual_orientation', 'transgender'], 1.2],
  [['race', 'sexual_orientation'], 0.5],
  [['race', 'disability'], 0.4],
  [['sexual_orientation', 'disability'], 0.4],
];

const SOURCES: ReadonlyArray<readonly [FeedSource, number]> = [
  ['rms', 78],
  ['online', 10],
  ['third_party', 9],
  ['manual', 3],
];

const LOCATION_TYPES: ReadonlyArray<readonly [LocationType, number]> = [
  ['residential', 30],
  ['street', 27],
  ['public_transport', 8],
  ['night_time_economy', 9],
  ['school', 5],
  ['workplace', 11],
  ['online', 10],
];

/** Place phrase for summaries and the generic description kept on the location. */
const PLACES: Readonly<Record<LocationType, ReadonlyArray<readonly [string, string]>>> = {
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

const RRA = 'Racially or religiously aggravated';
type OffenceCategory =
  'public_order' | 'violence_no_injury' | 'violence_injury' | 'harassment' | 'criminal_damage' | 'acquisitive' | 'communications';
/**
 * Offence groups of hate crimes recorded in England and Wales (Home Office):
 * about half public order, about 40% violence against the person (including
 * stalking and harassment), criminal damage about 6%. Online occurrences use
 * the communications group instead.
 */
const OFFLINE_CATEGORIES: ReadonlyArray<readonly [OffenceCategory, number]> = [
  ['public_order', 56],
  ['violence_no_injury', 14],
  ['violence_injury', 8],
  ['harassment', 10],
  ['criminal_damage', 7],
  ['acquisitive', 5],
];
/** Offences per group: [plain offence, racially/religiously aggravated form or null, weight]. */
const OFFENCES: Readonly<Record<OffenceCategory, ReadonlyArray<readonly [string, string | null, number]>>> = {
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

type Outcome = readonly [string, OccurrenceStatus, number, number]; // text, status, weight, P(satisfied)
const NO_SUSPECT_OUTCOMES: readonly Outcome[] = [
  ['Investigation complete – no suspect identified', 'filed', 85, 0.45],
  ['Evidential difficulties: suspect not identified; victim does not support action', 'filed', 15, 0.55],
];
/** Home Office outcome types where a suspect was identified (hate crime mix, approximate). */
const SUSPECT_OUTCOMES: readonly Outcome[] = [
  ['Charge/summons', 'closed', 16, 0.82],
  ['Out of court (formal)', 'closed', 4, 0.72],
  ['Out of court (informal)', 'closed', 8, 0.7],
  ['Evidential difficulties: victim does not support action', 'closed', 38, 0.6],
  ['Evidential difficulties: suspect identified; victim supports action', 'closed', 24, 0.35],
  ['Prosecution prevented or not in the public interest', 'closed', 3, 0.4],
  ['Further investigation to support formal action not in the public interest', 'closed', 4, 0.45],
  ['Action undertaken by another body or agency', 'closed', 3, 0.55],
];

const ADJECTIVES: ReadonlyMap<string, string> = new Map<CoreStrand, string>([
  ['race', 'racist'],
  ['religion', 'religiously motivated'],
  ['sexual_orientation', 'homophobic'],
  ['disability', 'disablist'],
  ['transgender', 'transphobic'],
]);

/** Likelihood of the hate flag being set at each hour of the day (local time). */
const HOUR_WEIGHTS: readonly number[] = [2, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 5, 4, 3, 2];

const SURNAMES: readonly string[] = [
  'Khan',
  'Smith',
  'Patel',
  'Jones',
  'Hussain',
  'Taylor',
  'Brown',
  'Ali',
  'Wilson',
  'Ahmed',
  'Walker',
  'Robinson',
  'Wright',
  'Thompson',
  'Mahmood',
  'Wood',
  'Kaur',
  'Hall',
  'Green',
  'Singh',
  'Clarke',
  'Lewis',
  'Okafor',
  'Nowak',
  'Mensah',
  'Kowalski',
  'Begum',
  'Shaw',
  'Harrison',
  'Iqbal',
  'Mitchell',
  'Hughes',
  'Turner',
  'Akhtar',
  'Baker',
];
const OFFICER_DOMAIN = 'contoso.police.uk';

// ---------------------------------------------------------------- random helpers

/** A small seeded PRNG (mulberry32): returns a function giving floats in [0, 1). Deterministic per seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (rnd: Rng, n: number): number => Math.floor(rnd() * n);
const between = (rnd: Rng, lo: number, hi: number): number => lo + rnd() * (hi - lo);
const chance = (rnd: Rng, p: number): boolean => rnd() < p;

function pickOne<T>(rnd: Rng, items: readonly T[]): T {
  const item = items[int(rnd, items.length)];
  if (item === undefined) throw new RangeError('pickOne: empty list');
  return item;
}

function pickWeighted<T>(rnd: Rng, items: ReadonlyArray<readonly [T, number]>): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let r = rnd() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  const last = items[items.length - 1];
  if (last === undefined) throw new RangeError('pickWeighted: empty list');
  return last[0];
}

/** Whole seconds of a duration given in hours. */
const hoursMs = (hours: number): number => Math.round(hours * 3600) * 1000;

function iso(ms: number): string {
  const text = DateTime.fromMillis(ms, { zone: ZONE }).toISO();
  if (text === null) throw new RangeError(`invalid time ${String(ms)}`);
  return text;
}

// ---------------------------------------------------------------- generator state

interface Officers {
  oics: FeedOfficer[];
  supervisors: FeedOfficer[];
}
interface Place {
  ref: string;
  type: LocationType;
  phrase: string;
  description: string;
}
/** Generated occurrence plus what later repeats need, kept out of the JSON. */
interface Draft {
  occ: FeedOccurrence;
  flaggedMs: number;
  place: Place;
}

class Generator {
  private readonly rnd: Rng;
  private readonly usedPeople = new Set<string>();
  private readonly usedPlaces = new Set<string>();
  private readonly usedRefs = new Set<string>();
  private readonly officers = new Map<string, Officers>();
  private readonly districtWeights: ReadonlyArray<readonly [string, number]>;
  private readonly districtCodes = new Map<string, string>();
  readonly drafts: Draft[] = [];

  constructor(
    private readonly opts: Required<Pick<GenerateOptions, 'count' | 'seed' | 'months'>> & GenerateOptions & { districts: string[] },
  ) {
    this.rnd = mulberry32(opts.seed);
    this.districtWeights = opts.districts.map((d) => [d, DEFAULT_DISTRICT_WEIGHTS[d] ?? 15] as const);
    opts.districts.forEach((d, i) => {
      this.districtCodes.set(d, String(13 + i).padStart(2, '0'));
      this.officers.set(d, this.makeOfficers());
    });
  }

  private makeOfficers(): Officers {
    const officer = (ranks: readonly string[]): FeedOfficer => {
      const rank = pickOne(this.rnd, ranks);
      const collar = String(1000 + int(this.rnd, 9000));
      const surname = pickOne(this.rnd, SURNAMES);
      return { upn: `${rank.toLowerCase()}${collar}.${surname.toLowerCase()}@${OFFICER_DOMAIN}`, name: `${rank} ${collar} ${surname}` };
    };
    return {
      oics: Array.from({ length: 10 }, () => officer(['PC', 'PC', 'PC', 'DC'])),
      supervisors: Array.from({ length: 3 }, () => officer(['PS', 'DS'])),
    };
  }

  private newRef(prefix: string, digits: number, used: Set<string>): string {
    for (;;) {
      const ref = `${prefix}-${String(1 + int(this.rnd, 10 ** digits - 1)).padStart(digits, '0')}`;
      if (!used.has(ref)) {
        used.add(ref);
        return ref;
      }
    }
  }

  /** RMS occurrence number `DD/SSSSSS/YY`: district code, a sequence that grows through the year, year. */
  private reference(district: string, reportedMs: number): string {
    const dt = DateTime.fromMillis(reportedMs, { zone: ZONE });
    const code = this.districtCodes.get(district) ?? '99';
    const yy = String(dt.year % 100).padStart(2, '0');
    let seq = Math.floor((dt.ordinal - 1 + dt.hour / 24) * 550) + 1 + int(this.rnd, 40);
    for (;;) {
      const ref = `${code}/${String(seq).padStart(6, '0')}/${yy}`;
      if (!this.usedRefs.has(ref)) {
        this.usedRefs.add(ref);
        return ref;
      }
      seq += 1;
    }
  }

  /** flaggedAt values spread over the window, mild summer peak, weighted by hour of day, ascending. */
  flaggedTimes(startMs: number, nowMs: number): number[] {
    const times: number[] = [];
    while (times.length < this.opts.count) {
      const day = DateTime.fromMillis(between(this.rnd, startMs, nowMs), { zone: ZONE });
      const season = 1 + 0.2 * Math.cos((2 * Math.PI * (day.ordinal - 200)) / 365.25);
      if (this.rnd() * 1.2 > season) continue;
      const hour = pickWeighted(
        this.rnd,
        HOUR_WEIGHTS.map((w, h) => [h, w] as const),
      );
      const ms = day.set({ hour, minute: int(this.rnd, 60), second: int(this.rnd, 60), millisecond: 0 }).toMillis();
      if (ms >= startMs && ms <= nowMs) times.push(ms);
    }
    return times.sort((a, b) => a - b);
  }

  /** An earlier draft within the repeat window that satisfies `ok`, or undefined. */
  private earlier(flaggedMs: number, ok: (d: Draft) => boolean): Draft | undefined {
    const lo = lowerBound(this.drafts, flaggedMs - REPEAT_WINDOW_MS);
    if (lo >= this.drafts.length) return undefined;
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const draft = this.drafts[lo + int(this.rnd, this.drafts.length - lo)];
      if (draft && ok(draft)) return draft;
    }
    return undefined;
  }

  private newPlace(type: LocationType): Place {
    const [phrase, description] = pickOne(this.rnd, PLACES[type]);
    return { ref: this.newRef('L', 6, this.usedPlaces), type, phrase, description };
  }

  private newVictim(strands: readonly string[]): { ref: string; vulnerable: boolean; enhanced: true } {
    const vulnerable = chance(this.rnd, strands.includes('disability') ? 0.75 : 0.12);
    return { ref: this.newRef('P', 7, this.usedPeople), vulnerable, enhanced: true };
  }

  build(flaggedMs: number, nowMs: number): void {
    const rnd = this.rnd;
    const recordedAs: RecordedAs = chance(rnd, NCHI_RATE) ? 'nchi' : 'crime';
    let district = pickWeighted(rnd, this.districtWeights);
    let strands: string[] = [...pickWeighted(rnd, STRAND_COMBOS)];
    let place: Place | undefined;
    let victims: FeedOccurrence['victims'] | undefined;
    let suspects: { ref: string }[] | undefined;
    let oic: FeedOfficer | undefined;

    // Repeats (docs/domain.md): reuse an earlier victim, location or suspect ref within 12 months.
    if (chance(rnd, REPEAT_RATE)) {
      const kind = pickWeighted(rnd, [
        ['victim', 50],
        ['location', 30],
        ['suspect', 20],
      ] as const);
      if (kind === 'victim') {
        const prev = this.earlier(flaggedMs, (d) => d.occ.victims.length > 0);
        const victim = prev?.occ.victims[0];
        if (prev && victim) {
          district = prev.occ.district;
          victims = [{ ...victim }];
          if (chance(rnd, 0.85)) strands = [...prev.occ.strands];
          if (prev.place.type === 'residential' && chance(rnd, 0.6)) {
            place = prev.place; // e.g. a continuing neighbour dispute
            if (prev.occ.suspects?.length && chance(rnd, 0.5)) suspects = prev.occ.suspects.map((s) => ({ ...s }));
          }
          if (prev.occ.oic && !this.opts.oicUpn && chance(rnd, 0.4)) oic = prev.occ.oic;
        }
      } else if (kind === 'location') {
        const prev = this.earlier(flaggedMs, (d) => d.place.type !== 'online');
        if (prev) {
          district = prev.occ.district;
          place = prev.place;
          if (chance(rnd, 0.5)) strands = [...prev.occ.strands];
        }
      } else {
        const prev = this.earlier(flaggedMs, (d) => (d.occ.suspects?.length ?? 0) > 0);
        const suspect = prev?.occ.suspects?.[0];
        if (prev && suspect) {
          suspects = [{ ...suspect }];
          if (chance(rnd, 0.85)) district = prev.occ.district;
          if (chance(rnd, 0.6)) strands = [...prev.occ.strands];
        }
      }
    }

    place ??= this.newPlace(pickWeighted(rnd, LOCATION_TYPES));
    const source = pickWeighted(rnd, SOURCES);
    const aggravatable = strands.includes('race') || strands.includes('religion');
    let category: OffenceCategory | undefined;
    let offence: string | undefined;
    if (recordedAs === 'crime') {
      category = place.type === 'online' ? 'communications' : pickWeighted(rnd, OFFLINE_CATEGORIES);
      const [plain, aggravated] = pickWeighted(
        rnd,
        OFFENCES[category].map(([p, a, w]) => [[p, a] as const, w] as const),
      );
      offence = aggravated !== null && aggravatable && chance(rnd, 0.85) ? aggravated : plain;
    }

    victims ??=
      recordedAs === 'nchi' && chance(rnd, 0.1)
        ? []
        : Array.from(
            { length: recordedAs === 'nchi' ? (chance(rnd, 0.05) ? 2 : 1) : category === 'public_order' && chance(rnd, 0.05) ? 2 : 1 },
            () => this.newVictim(strands),
          );
    if (!suspects) {
      const r = rnd();
      const n = recordedAs === 'crime' ? (r < 0.35 ? 0 : r < 0.9 ? 1 : 2 + int(rnd, 2)) : r < 0.5 ? 0 : r < 0.95 ? 1 : 2;
      suspects = Array.from({ length: n }, () => ({ ref: this.newRef('P', 7, this.usedPeople) }));
    }

    // Times: reported shortly before the flag (sometimes days, when the flag is added on review), offence before that.
    const flagDelay = pickWeighted(rnd, [
      [[5 / 60, 1], 70],
      [[1, 12], 20],
      [[24, 14 * 24], 10],
    ] as const);
    const reportedMs = flaggedMs - hoursMs(between(rnd, flagDelay[0], flagDelay[1]));
    const slowReport = source !== 'rms' || category === 'harassment' || category === 'communications';
    const reportDelay = pickWeighted(
      rnd,
      slowReport
        ? ([
            [[0.1, 2], 20],
            [[2, 72], 40],
            [[72, 60 * 24], 40],
          ] as const)
        : ([
            [[0.1, 1.5], 55],
            [[2, 48], 30],
            [[48, 30 * 24], 15],
          ] as const),
    );
    const occurredMs = reportedMs - hoursMs(between(rnd, reportDelay[0], reportDelay[1]));
    let allocatedMs: number | undefined;
    if (chance(rnd, recordedAs === 'crime' ? 0.92 : 0.35)) {
      const d = pickWeighted(rnd, [
        [[0.5, 8], 60],
        [[8, 48], 30],
        [[48, 120], 10],
      ] as const);
      const ms = flaggedMs + hoursMs(between(rnd, d[0], d[1]));
      if (ms <= nowMs) allocatedMs = ms;
    }

    const pool = this.officers.get(district);
    const supervisor: FeedOfficer | undefined = this.opts.supervisorUpn
      ? { upn: this.opts.supervisorUpn }
      : allocatedMs !== undefined && pool
        ? pickOne(rnd, pool.supervisors)
        : undefined;
    if (this.opts.oicUpn) oic = { upn: this.opts.oicUpn };
    else if (allocatedMs === undefined) oic = undefined;
    else if (!oic && pool) oic = pickOne(rnd, pool.oics);

    const occ: FeedOccurrence = {
      reference: this.reference(district, reportedMs),
      source,
      recordedAs,
      ...(offence !== undefined ? { offence } : {}),
      strands,
      flaggedAt: iso(flaggedMs),
      reportedAt: iso(reportedMs),
      occurredAt: iso(occurredMs),
      ...(allocatedMs !== undefined ? { allocatedAt: iso(allocatedMs) } : {}),
      district,
      location: { ref: place.ref, type: place.type, description: place.description },
      victims,
      suspects,
      summary: summaryText(rnd, { recordedAs, category, strands, place, suspects: suspects.length }),
      ...(oic ? { oic } : {}),
      ...(supervisor ? { supervisor } : {}),
      ...closure(rnd, { recordedAs, ageDays: (nowMs - flaggedMs) / DAY_MS, suspects: suspects.length, victims: victims.length }),
    };
    this.drafts.push({ occ, flaggedMs, place });
  }
}

function lowerBound(drafts: readonly Draft[], ms: number): number {
  let lo = 0;
  let hi = drafts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((drafts[mid]?.flaggedMs ?? Infinity) < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Status, outcome and satisfaction: older occurrences are more often finalised. */
function closure(
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

/** Short generic summary without names, e.g. "Victim subjected to racist abuse on a bus by an unknown male." */
function summaryText(
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

// ---------------------------------------------------------------- public API

/**
 * Generate `count` synthetic occurrences in the docs/interfaces.md feed shape,
 * ordered by flaggedAt (oldest first). Deterministic for the same options.
 *
 * Mix (docs/domain.md / Home Office, year to March 2025): strands race 71%,
 * sexual orientation 16%, disability 9%, religion 6%, transgender 3% (5%
 * carry two strands); about half of crimes are public order offences; about
 * 12% are NCHIs; about 15% reuse a victim, suspect or location ref from an
 * earlier occurrence within 12 months (docs/domain.md repeat rule). Times are ISO
 * 8601 in Europe/London with offset; flaggedAt lies in [now - months, now].
 *
 * @throws RangeError on a count outside 0..100,000, a non-integer seed, an
 * invalid `now`, months < 1 or an empty district list.
 */
export function generateOccurrences(options: GenerateOptions): FeedOccurrence[] {
  const { count, seed, now } = options;
  const months = options.months ?? 12;
  const districts = [...new Set(options.districts ?? DEFAULT_DISTRICTS)];
  if (!Number.isInteger(count) || count < 0 || count > MAX_COUNT) throw new RangeError(`count must be an integer 0..${String(MAX_COUNT)}`);
  if (!Number.isInteger(seed)) throw new RangeError('seed must be an integer');
  if (!Number.isInteger(months) || months < 1) throw new RangeError('months must be a positive integer');
  if (Number.isNaN(now.getTime())) throw new RangeError('now must be a valid date');
  if (districts.length === 0 || districts.some((d) => d.trim() === '')) throw new RangeError('districts must be non-empty names');

  const nowMs = now.getTime();
  const startMs = DateTime.fromMillis(nowMs, { zone: ZONE }).minus({ months }).toMillis();
  const gen = new Generator({ ...options, count, seed, months, districts });
  for (const flaggedMs of gen.flaggedTimes(startMs, nowMs)) gen.build(flaggedMs, nowMs);
  return gen.drafts.map((d) => d.occ);
}

/** Counts of a generated (or any) feed: crimes vs NCHI, strands, sources, statuses and repeats. */
export interface SampleSummary {
  total: number;
  crimes: number;
  nchi: number;
  /** Public order offences among crimes (offence text names the Public Order Act or s31 CDA 1998). */
  publicOrder: number;
  strands: Record<string, number>;
  sources: Record<string, number>;
  statuses: Record<string, number>;
  /** Occurrences reusing a ref seen in an earlier occurrence within 365 days, overall and by kind. */
  repeats: { any: number; victim: number; suspect: number; location: number };
}

/**
 * Summarise occurrences for the CLI's one-line report. A repeat is an
 * occurrence whose victim, suspect or location ref appeared in another
 * occurrence flagged in the previous 365 days (docs/domain.md default repeat rule).
 */
export function summariseOccurrences(occurrences: readonly FeedOccurrence[]): SampleSummary {
  const inc = (rec: Record<string, number>, key: string): void => {
    rec[key] = (rec[key] ?? 0) + 1;
  };
  const s: SampleSummary = {
    total: occurrences.length,
    crimes: 0,
    nchi: 0,
    publicOrder: 0,
    strands: {},
    sources: {},
    statuses: {},
    repeats: { any: 0, victim: 0, suspect: 0, location: 0 },
  };
  const lastSeen = new Map<string, number>();
  const sorted = [...occurrences].sort((a, b) => Date.parse(a.flaggedAt) - Date.parse(b.flaggedAt));
  for (const o of sorted) {
    if (o.recordedAs === 'crime') s.crimes += 1;
    else s.nchi += 1;
    if (o.offence && /Public Order Act|s31 CDA/.test(o.offence)) s.publicOrder += 1;
    for (const k of o.strands) inc(s.strands, k);
    inc(s.sources, o.source ?? 'rms');
    inc(s.statuses, o.status ?? 'open');
    const t = Date.parse(o.flaggedAt);
    const refs: Array<[keyof SampleSummary['repeats'], string]> = [
      ...o.victims.map((v) => ['victim', `P:${v.ref}`] as [keyof SampleSummary['repeats'], string]),
      ...(o.suspects ?? []).map((p) => ['suspect', `P:${p.ref}`] as [keyof SampleSummary['repeats'], string]),
      ...(o.location ? [['location', `L:${o.location.ref}`] as [keyof SampleSummary['repeats'], string]] : []),
    ];
    const kinds = new Set(refs.filter(([, ref]) => t - (lastSeen.get(ref) ?? -Infinity) <= REPEAT_WINDOW_MS).map(([k]) => k));
    for (const k of kinds) s.repeats[k] += 1;
    if (kinds.size > 0) s.repeats.any += 1;
    for (const [, ref] of refs) lastSeen.set(ref, t);
  }
  return s;
}

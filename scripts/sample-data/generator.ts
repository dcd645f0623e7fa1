import { DateTime } from 'luxon';
import { ZONE } from '../../db/time/london-time.js';
import type { FeedOccurrence, FeedOfficer, GenerateOptions, LocationType, RecordedAs } from './feed.js';
import {
  DAY_MS,
  DEFAULT_DISTRICT_WEIGHTS,
  HOUR_WEIGHTS,
  NCHI_RATE,
  OFFICER_DOMAIN,
  REPEAT_RATE,
  REPEAT_WINDOW_MS,
  SOURCES,
  STRAND_COMBOS,
  SURNAMES,
} from './mix.js';
import { closure, OFFENCES, OFFLINE_CATEGORIES, type OffenceCategory } from './offences.js';
import { LOCATION_TYPES, PLACES, summaryText, type Place } from './places.js';
import { between, chance, hoursMs, int, iso, mulberry32, pickOne, pickWeighted, type Rng } from './random.js';

interface Officers {
  oics: FeedOfficer[];
  supervisors: FeedOfficer[];
}
/** Generated occurrence plus what later repeats need, kept out of the JSON. */
interface Draft {
  occ: FeedOccurrence;
  flaggedMs: number;
  place: Place;
}

/**
 * Builds occurrences one flag time at a time, remembering refs so later occurrences can repeat
 * earlier victims, suspects and locations. Used by generateOccurrences (sample-data.lib.ts).
 */
export class Generator {
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

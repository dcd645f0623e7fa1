/** How many occurrences of each kind, where and when: districts, strands, sources, timing, repeats, officers. */
import type { CoreStrand, FeedSource } from './feed.js';

export const DEFAULT_DISTRICTS: readonly string[] = ['Bradford', 'Calderdale', 'Kirklees', 'Leeds', 'Wakefield'];
/** Relative occurrence volume of the default districts (roughly by population). */
export const DEFAULT_DISTRICT_WEIGHTS: Readonly<Record<string, number>> = {
  Bradford: 24,
  Calderdale: 10,
  Kirklees: 18,
  Leeds: 36,
  Wakefield: 14,
};
export const MAX_COUNT = 100_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Repeat window of the default repeat rule (docs/domain.md: 2+ occurrences within 12 months). */
export const REPEAT_WINDOW_MS = 365 * DAY_MS;
/** Share of occurrences that reuse an earlier victim, suspect or location ref. */
export const REPEAT_RATE = 0.15;
export const NCHI_RATE = 0.12;

/**
 * Strand combinations with their share of all occurrences (per cent). Chosen
 * so the marginal shares match the Home Office mix in docs/domain.md: race 71,
 * sexual orientation 16, disability 9, religion 6, transgender 3 (5% of
 * occurrences carry two strands, hence the sum of 105).
 */
export const STRAND_COMBOS: ReadonlyArray<readonly [CoreStrand[], number]> = [
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

export const SOURCES: ReadonlyArray<readonly [FeedSource, number]> = [
  ['rms', 78],
  ['online', 10],
  ['third_party', 9],
  ['manual', 3],
];

/** Likelihood of the hate flag being set at each hour of the day (local time). */
export const HOUR_WEIGHTS: readonly number[] = [2, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 5, 4, 3, 2];

export const SURNAMES: readonly string[] = [
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
export const OFFICER_DOMAIN = 'contoso.police.uk';

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
import type { FeedOccurrence, GenerateOptions } from './sample-data/feed.js';
import { Generator } from './sample-data/generator.js';
import { DEFAULT_DISTRICTS, MAX_COUNT } from './sample-data/mix.js';

export type {
  CoreStrand,
  FeedOccurrence,
  FeedOfficer,
  FeedSource,
  GenerateOptions,
  LocationType,
  OccurrenceStatus,
  RecordedAs,
} from './sample-data/feed.js';
export { DEFAULT_DISTRICTS, MAX_COUNT } from './sample-data/mix.js';
export { mulberry32 } from './sample-data/random.js';
export { summariseOccurrences, type SampleSummary } from './sample-data/counts.js';

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

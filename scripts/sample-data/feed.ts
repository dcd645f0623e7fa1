/** The occurrence feed shape (docs/interfaces.md) the sample-data generator writes, and its options. */
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

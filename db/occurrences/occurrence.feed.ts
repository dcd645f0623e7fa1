import { createHash } from 'node:crypto';
import { datetimeRegex, z } from 'zod';

/** Occurrence sources (docs/interfaces.md). */
export const SOURCES = ['rms', 'third_party', 'online', 'manual'] as const;
export const RECORDED_AS = ['crime', 'nchi'] as const;

/**
 * NCHI handling (NCHI_POLICY, issue 12 item 5; docs/domain.md "Occurrences": national NCHI policy is
 * changing, so it is a switch): `code-2023` reviews NCHIs under the Code of Practice 2023,
 * `review-off` stores them without a review card, `refuse` refuses them at the feed.
 */
export const NCHI_POLICIES = ['code-2023', 'review-off', 'refuse'] as const;
export type NchiPolicy = (typeof NCHI_POLICIES)[number];

/** The feed's answer to an NCHI under NCHI_POLICY=refuse. */
export const NCHI_REFUSED = (reference: string) =>
  `${reference} is a non-crime hate incident (NCHI): this force does not accept NCHIs from the feed (NCHI_POLICY=refuse)`;
export const STATUSES = ['open', 'filed', 'closed'] as const;

/**
 * Investigation events that start a Victims' Code update clock (docs/interfaces.md, field `events`;
 * docs/domain.md "Review cadence"): arrest, interview, charge decision, bail change, and a decision
 * not to investigate further.
 */
export const EVENT_TYPES = ['arrest', 'interview', 'charge_decision', 'bail_change', 'no_further_action'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Events one occurrence may carry: a long investigation has a few dozen (bail changes); more is a feed fault. */
export const MAX_EVENTS = 100;

// zod's .datetime() compiles its pattern anew for every value checked; an import checks tens of
// thousands, so the same pattern (any precision, Z or an offset) is compiled once here.
const ISO_WITH_OFFSET = datetimeRegex({ precision: null, offset: true, local: false });
const isoDateTime = z.string().regex(ISO_WITH_OFFSET, 'must be an ISO 8601 date-time with an offset, e.g. 2026-11-20T14:05:00+00:00');
const ref = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');
const officer = z.object({
  upn: z.string().trim().toLowerCase().email('must be a user principal name such as name@force.police.uk'),
  name: z.string().trim().min(1).max(200).optional(),
});

/** How far ahead of the bot's clock a `flaggedAt` may be (clock skew between the RMS and the bot), in ms. */
export const FLAGGED_AT_MAX_AHEAD_MS = 5 * 60_000;

/**
 * Builds the schema of one feed occurrence (docs/interfaces.md, "Occurrence feed").
 * Unknown fields are stripped; strands must be configured keys; a `flaggedAt` or an event's `at` more
 * than FLAGGED_AT_MAX_AHEAD_MS after `now` is refused (a flag cannot be set in the future; it would
 * also put every review deadline out of reach).
 * @param strands the configured strand keys (the five core ones plus local strands)
 * @param now the bot's clock when the request arrived
 */
export function occurrenceFeedSchema(strands: readonly string[], now: Date) {
  // A flag or an event cannot be in the future; 5 minutes allow for clock skew between the RMS and the bot.
  const notAhead = isoDateTime.refine((s) => new Date(s).getTime() <= now.getTime() + FLAGGED_AT_MAX_AHEAD_MS, {
    message: 'must not be in the future (more than 5 minutes after the time the bot received it)',
  });
  const event = z.object({
    type: z.enum(EVENT_TYPES, { errorMap: () => ({ message: `must be one of: ${EVENT_TYPES.join(', ')}` }) }),
    at: notAhead,
  });
  const strandKey = z.string().refine((s) => strands.includes(s), {
    message: `must be one of: ${strands.join(', ')}`,
  });
  return z
    .object({
      reference: ref,
      source: z.enum(SOURCES).default('rms'),
      recordedAs: z.enum(RECORDED_AS),
      offence: z.string().trim().min(1).max(300).optional(),
      strands: z
        .array(strandKey)
        .min(1, 'at least one strand is required')
        .refine((a) => new Set(a).size === a.length, 'strands must not repeat'),
      flaggedAt: notAhead,
      reportedAt: isoDateTime.optional(),
      occurredAt: isoDateTime.optional(),
      allocatedAt: isoDateTime.optional(),
      district: z.string().trim().min(1, 'must not be empty').max(100),
      location: z
        .object({
          ref,
          type: z.string().trim().min(1).max(40).optional(),
          description: z.string().trim().max(300).optional(),
        })
        .optional(),
      victims: z.array(z.object({ ref, vulnerable: z.boolean().optional(), enhanced: z.boolean().optional() })).max(200),
      suspects: z.array(z.object({ ref })).max(200).optional(),
      summary: z.string().trim().max(1000, 'must be at most 1,000 characters').optional(),
      oic: officer.optional(),
      supervisor: officer.optional(),
      status: z.enum(STATUSES).default('open'),
      outcome: z.string().trim().min(1).max(200).optional(),
      victimSatisfied: z.boolean().optional(),
      // The whole list on every post; an event (type and instant) already stored is not stored again.
      events: z.array(event).max(MAX_EVENTS, `at most ${MAX_EVENTS} events per occurrence`).optional(),
    })
    .superRefine((o, ctx) => {
      if (o.recordedAs === 'crime' && !o.offence) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['offence'], message: 'required when recordedAs is crime' });
      }
      if (o.recordedAs === 'crime' && o.victims.length === 0) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['victims'],
          message: 'a crime needs at least one victim (only an NCHI may have none)',
        });
      }
    });
}

/** A validated feed occurrence, with defaults applied. */
export type FeedOccurrence = z.infer<ReturnType<typeof occurrenceFeedSchema>>;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/**
 * Hash of an occurrence's content, independent of key order, people order and the
 * spelling of its instants, so that re-posting identical content changes nothing (docs/interfaces.md).
 */
export function contentHash(o: FeedOccurrence): string {
  const instant = (s?: string) => (s ? new Date(s).toISOString() : undefined);
  const normal = {
    ...o,
    flaggedAt: instant(o.flaggedAt),
    reportedAt: instant(o.reportedAt),
    occurredAt: instant(o.occurredAt),
    allocatedAt: instant(o.allocatedAt),
    strands: [...o.strands].sort(),
    victims: [...o.victims].sort((a, b) => a.ref.localeCompare(b.ref)),
    suspects: [...(o.suspects ?? [])].sort((a, b) => a.ref.localeCompare(b.ref)),
    // No events and an empty list mean the same (stored events are kept), as do a list's order and repeats.
    events: o.events?.length ? distinctEvents(o.events).map((e) => ({ type: e.type, at: e.at.toISOString() })) : undefined,
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(normal)))
    .digest('hex');
}

/**
 * A feed event list as facts: each (type, instant) once, oldest first (ties by type), with `at`
 * as a Date. The order is the order new events are numbered in (occurrence.events.ts).
 */
export function distinctEvents(events: readonly { type: EventType; at: string }[]): { type: EventType; at: Date }[] {
  const byKey = new Map(events.map((e) => [`${e.type}|${new Date(e.at).getTime()}`, { type: e.type, at: new Date(e.at) }]));
  return [...byKey.values()].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

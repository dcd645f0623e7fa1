import { sql } from 'kysely';
import type { Db } from '../schema.js';
import { distinctEvents, type FeedOccurrence } from './occurrence.feed.js';

/** An investigation event as stored: `seq` is fixed on first sight, `seenAt` is when that was. */
export interface StoredEvent {
  seq: number;
  type: string;
  at: Date;
  seenAt: Date;
}

/** The facts the Victims' Code update reviews of an occurrence are planned from. */
export interface EventFacts {
  events: StoredEvent[];
  /**
   * Whether the victims get the enhanced service: hate crime victims do by default (Victims' Code;
   * docs/domain.md "Occurrences"), so true unless every victim is marked `enhanced: false`.
   */
  enhanced: boolean;
}

/**
 * Stores the events of these occurrences that are new (set-wise: one read, one insert). Events
 * already stored, by type and instant, are left as they are, and events missing from a later list
 * are kept (they are facts; the feed repeats the whole list, and a shorter list is not a
 * retraction). New events are numbered on from the occurrence's highest `seq`, oldest first.
 * @returns the events added, per occurrence id (absent: none)
 */
export async function storeEvents(
  trx: Db,
  items: readonly { occurrenceId: string; item: FeedOccurrence }[],
  now: Date,
): Promise<Map<string, { seq: number; type: string; at: Date }[]>> {
  const added = new Map<string, { seq: number; type: string; at: Date }[]>();
  const withEvents = items.filter((i) => i.item.events?.length);
  if (withEvents.length === 0) return added;
  const stored = await trx
    .selectFrom('occurrence_events')
    .select(['occurrence_id', 'seq', 'type', 'at'])
    .where(
      'occurrence_id',
      'in',
      withEvents.map((i) => i.occurrenceId),
    )
    .execute();
  const known = new Set(stored.map((e) => `${e.occurrence_id}|${e.type}|${e.at.getTime()}`));
  const maxSeq = new Map<string, number>();
  for (const e of stored) maxSeq.set(e.occurrence_id, Math.max(e.seq, maxSeq.get(e.occurrence_id) ?? 0));
  const rows = [];
  for (const { occurrenceId, item } of withEvents) {
    let seq = maxSeq.get(occurrenceId) ?? 0;
    for (const e of distinctEvents(item.events!)) {
      if (known.has(`${occurrenceId}|${e.type}|${e.at.getTime()}`)) continue;
      seq += 1;
      rows.push({ occurrence_id: occurrenceId, seq, type: e.type, at: e.at, created_at: now });
      added.set(occurrenceId, [...(added.get(occurrenceId) ?? []), { seq, type: e.type, at: e.at }]);
    }
    maxSeq.set(occurrenceId, seq);
  }
  for (let r = 0; r < rows.length; r += 1000)
    await trx
      .insertInto('occurrence_events')
      .values(rows.slice(r, r + 1000))
      .execute();
  return added;
}

/**
 * The events of these occurrences, and whether their victims get the enhanced service (set-wise:
 * one query for the events and, only for occurrences that have any, one for the victims).
 * Occurrences with no events are absent from the map.
 */
export async function eventFacts(db: Db, occurrenceIds: readonly string[]): Promise<Map<string, EventFacts>> {
  const out = new Map<string, EventFacts>();
  if (occurrenceIds.length === 0) return out;
  const events = await db
    .selectFrom('occurrence_events')
    .select(['occurrence_id', 'seq', 'type', 'at', 'created_at'])
    .where('occurrence_id', 'in', [...occurrenceIds])
    .orderBy('occurrence_id')
    .orderBy('seq')
    .execute();
  if (events.length === 0) return out;
  for (const e of events) {
    const facts = out.get(e.occurrence_id) ?? { events: [], enhanced: true };
    facts.events.push({ seq: e.seq, type: e.type, at: e.at, seenAt: e.created_at });
    out.set(e.occurrence_id, facts);
  }
  // Not enhanced only when every victim is marked `enhanced: false` (no victims: enhanced, the default).
  const notEnhanced = await db
    .selectFrom('occurrence_people')
    .select('occurrence_id')
    .where('occurrence_id', 'in', [...out.keys()])
    .where('role', '=', 'victim')
    .groupBy('occurrence_id')
    .having(sql<boolean>`bool_and(enhanced is false)`)
    .execute();
  for (const r of notEnhanced) out.get(r.occurrence_id)!.enhanced = false;
  return out;
}

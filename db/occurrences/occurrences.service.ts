import type { Kysely } from 'kysely';
import { recordAudit, type AuditEntry } from '../audit/audit.service.js';
import { toIssues, ValidationError } from '../errors.js';
import type { Database } from '../schema.js';
import { scheduleNewOccurrences, syncSchedule, type ScheduleConfig } from '../schedule/schedule.service.js';
import { withRetry } from '../transactions.js';
import { contentHash, NCHI_REFUSED, occurrenceFeedSchema, type FeedOccurrence, type NchiPolicy } from './occurrence.feed.js';
import { storeEvents } from './occurrence.events.js';
import { queueCardRefresh, queueNewCards } from './occurrences.cards.js';
import { findExisting, toPeopleRows, toRow } from './occurrences.repository.js';
import type { OccurrenceRow } from './occurrences.table.js';

export type { OccurrenceRow } from './occurrences.table.js';
export { findByReference, repeatFlags, type OccurrenceDetail, type RepeatKind, type RepeatRule } from './occurrences.read.js';

export { contentHash, NCHI_POLICIES, occurrenceFeedSchema, type FeedOccurrence, type NchiPolicy } from './occurrence.feed.js';
export { toPeopleRows, toRow } from './occurrences.repository.js';
export { queueCardRefresh } from './occurrences.cards.js';

/** Feed rules that vary by force (docs/domain.md: strands and NCHI handling are configurable). */
export interface IngestPolicy {
  strands: readonly string[];
  /** How NCHIs are handled: review-off stores them with no review card; refuse refuses them (nothing written). */
  nchiPolicy: NchiPolicy;
  /** Review cadence (issue 3). */
  schedule: ScheduleConfig;
}

/** Per-occurrence result of an ingest, in input order. */
export interface IngestResult {
  index: number;
  id: string;
  source: string;
  reference: string;
  outcome: 'created' | 'updated' | 'unchanged';
}

/**
 * Validates feed payloads against the contract. Collects every problem, paths prefixed
 * with `prefix` (e.g. `occurrences.3`). Under NCHI_POLICY=refuse an NCHI is a problem at `recordedAs`.
 * @param now the bot's clock: a `flaggedAt` more than 5 minutes after it is refused
 * @throws ValidationError with the `{ path, message }` list when any item is invalid
 */
export function validateFeed(
  payloads: readonly unknown[],
  policy: IngestPolicy,
  prefix: (i: number) => (string | number)[],
  now: Date,
): FeedOccurrence[] {
  const schema = occurrenceFeedSchema(policy.strands, now);
  const issues: { path: string; message: string }[] = [];
  const valid: FeedOccurrence[] = [];
  payloads.forEach((p, i) => {
    const r = schema.safeParse(p);
    if (!r.success) issues.push(...toIssues(r.error.issues, prefix(i)));
    else if (r.data.recordedAs === 'nchi' && policy.nchiPolicy === 'refuse')
      issues.push(...toIssues([{ path: ['recordedAs'], message: NCHI_REFUSED(r.data.reference) }], prefix(i)));
    else valid.push(r.data);
  });
  if (issues.length > 0) throw new ValidationError(`${issues.length} problem(s) in the occurrence feed; nothing was written`, issues);
  return valid;
}

/** Lets other work (HTTP requests, timers) run between slices of a long import. */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** New occurrences inserted (with their people and schedules) per statement: small enough that building one holds the event loop briefly. */
const INSERT_SLICE = 125;

/** Feed items validated per slice of an import, between yields to the event loop (~5 ms of zod each). */
const VALIDATE_SLICE = 125;

/** How an import runs: who it is audited as, occurrences per transaction, and the clock read at each one. */
export interface ImportOptions {
  actor: string;
  /** Occurrences per ingestOccurrences transaction. */
  batch: number;
  clock: () => Date;
  /** The path of item i in problems (default `i`), e.g. `line 12`. */
  path?: (i: number) => (string | number)[];
}

/**
 * Imports many feed occurrences (npm run import): validates every one first, in slices with the
 * event loop free between them, and writes nothing if any is invalid; then ingests them in
 * transactions of `batch`, handing each batch's results to `onBatch` (indexes in the batch).
 * No slice of work holds the event loop for long, so a bot sharing the process keeps answering.
 * @throws ValidationError listing every problem (nothing written)
 */
export async function importOccurrences(
  db: Kysely<Database>,
  payloads: readonly unknown[],
  policy: IngestPolicy,
  opts: ImportOptions,
  onBatch: (results: IngestResult[], offset: number) => void = () => undefined,
): Promise<void> {
  const path = opts.path ?? ((i: number) => [i]);
  const valid: FeedOccurrence[] = [];
  const issues: { path: string; message: string }[] = [];
  const now = opts.clock();
  for (let i = 0; i < payloads.length; i += VALIDATE_SLICE) {
    try {
      valid.push(...validateFeed(payloads.slice(i, i + VALIDATE_SLICE), policy, (k) => path(i + k), now));
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      issues.push(...e.issues);
    }
    await yieldToLoop();
  }
  if (issues.length > 0) throw new ValidationError(`${issues.length} problem(s) in the occurrence feed; nothing was written`, issues);
  for (let i = 0; i < valid.length; i += opts.batch) {
    onBatch(await ingestOccurrences(db, valid.slice(i, i + opts.batch), policy, opts.actor, opts.clock()), i);
    await yieldToLoop();
  }
}

const changedFields = (before: OccurrenceRow, after: ReturnType<typeof toRow>) =>
  (Object.keys(after) as (keyof typeof after)[]).filter((k) => {
    if (k === 'content_hash') return false;
    const a = before[k];
    const b = after[k];
    const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : JSON.stringify(v));
    return norm(a) !== norm(b);
  });

/**
 * Stores validated occurrences in one transaction: creates new ones, updates changed ones
 * (the previous values go to the audit log), leaves identical ones untouched, stores investigation
 * events not seen before (occurrence.events.ts; their Victims' Code updates are scheduled), and queues a
 * review card for every review channel of the district of each newly flagged occurrence.
 * Identity is `source` + `reference` (docs/interfaces.md).
 */
export async function ingestOccurrences(
  db: Kysely<Database>,
  items: readonly FeedOccurrence[],
  policy: IngestPolicy,
  actor: string,
  now: Date,
): Promise<IngestResult[]> {
  return withRetry(() =>
    db.transaction().execute(async (trx) => {
      const existing = await findExisting(trx, items);
      const results: IngestResult[] = [];
      const audits: AuditEntry[] = [];
      const created: { id: string; item: FeedOccurrence }[] = [];
      const refreshed: { occurrenceId: string; cause: string }[] = [];
      const keyOf = (i: FeedOccurrence) => `${i.source}|${i.reference}`;
      const seen = new Map<string, number>();
      for (const i of items) seen.set(keyOf(i), (seen.get(keyOf(i)) ?? 0) + 1);
      // New occurrences named once in the batch are inserted set-wise (the feed's common case).
      const fresh = items
        .map((item, index) => ({ item, index }))
        .filter(({ item }) => !existing.has(keyOf(item)) && seen.get(keyOf(item)) === 1);
      for (let c = 0; c < fresh.length; c += INSERT_SLICE) {
        const chunk = fresh.slice(c, c + INSERT_SLICE);
        const rows = chunk.map(({ item }) => newOccurrenceRow(toRow(item, contentHash(item)), policy.schedule.backfillDays, now));
        const inserted = await trx.insertInto('occurrences').values(rows).returningAll().execute();
        const byKey = new Map(inserted.map((r) => [`${r.source}|${r.reference}`, r]));
        const people = chunk.flatMap(({ item }) => toPeopleRows(byKey.get(keyOf(item))!.id, item));
        for (let p = 0; p < people.length; p += 1000)
          await trx
            .insertInto('occurrence_people')
            .values(people.slice(p, p + 1000))
            .execute();
        await storeEvents(
          trx,
          chunk.map(({ item }) => ({ occurrenceId: byKey.get(keyOf(item))!.id, item })),
          now,
        );
        await scheduleNewOccurrences(trx, inserted, policy.schedule, now, actor);
        for (const { item, index } of chunk) {
          const ins = byKey.get(keyOf(item))!;
          existing.set(keyOf(item), ins);
          created.push({ id: ins.id, item });
          results.push({ index, id: ins.id, source: item.source, reference: item.reference, outcome: 'created' });
          audits.push({
            actor,
            action: 'occurrence.created',
            entityType: 'occurrence',
            entityId: ins.id,
            details: { source: item.source, reference: item.reference, contentHash: ins.content_hash },
          });
        }
      }
      const freshIndexes = new Set(fresh.map((f) => f.index));
      // Later copies of one key in a batch update the earlier one, as if posted in sequence.
      for (const [index, item] of items.entries()) {
        if (freshIndexes.has(index)) continue;
        const key = keyOf(item);
        const hash = contentHash(item);
        const row = toRow(item, hash);
        const before = existing.get(key);
        if (!before) {
          const ins = await trx
            .insertInto('occurrences')
            .values(newOccurrenceRow(row, policy.schedule.backfillDays, now))
            .returningAll()
            .executeTakeFirstOrThrow();
          const people = toPeopleRows(ins.id, item);
          if (people.length) await trx.insertInto('occurrence_people').values(people).execute();
          await storeEvents(trx, [{ occurrenceId: ins.id, item }], now);
          await syncSchedule(trx, ins, policy.schedule, now, actor);
          existing.set(key, ins);
          created.push({ id: ins.id, item });
          results.push({ index, id: ins.id, source: item.source, reference: item.reference, outcome: 'created' });
          audits.push({
            actor,
            action: 'occurrence.created',
            entityType: 'occurrence',
            entityId: ins.id,
            details: { source: item.source, reference: item.reference, contentHash: hash },
          });
        } else if (before.content_hash === hash) {
          results.push({ index, id: before.id, source: item.source, reference: item.reference, outcome: 'unchanged' });
        } else {
          const fields = changedFields(before, row);
          const previous = Object.fromEntries(fields.map((f) => [f, before[f]]));
          const closedAt = row.status === 'open' ? null : before.status === 'open' ? now : before.closed_at;
          const upd = await trx
            .updateTable('occurrences')
            .set({ ...row, closed_at: closedAt, updated_at: now })
            .where('id', '=', before.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          await trx.deleteFrom('occurrence_people').where('occurrence_id', '=', before.id).execute();
          const people = toPeopleRows(before.id, item);
          if (people.length) await trx.insertInto('occurrence_people').values(people).execute();
          // People and events first: the schedule reads the victims' enhanced service and the events.
          const added = (await storeEvents(trx, [{ occurrenceId: before.id, item }], now)).get(before.id) ?? [];
          await syncSchedule(trx, upd, policy.schedule, now, actor);
          existing.set(key, upd);
          refreshed.push({ occurrenceId: before.id, cause: `feed:${hash}:${upd.updated_at.getTime()}` });
          results.push({ index, id: before.id, source: item.source, reference: item.reference, outcome: 'updated' });
          audits.push({
            actor,
            action: 'occurrence.updated',
            entityType: 'occurrence',
            entityId: before.id,
            details: {
              changed: fields,
              previous,
              peopleChanged: true,
              contentHash: hash,
              ...(added.length ? { eventsAdded: added.map((e) => ({ seq: e.seq, type: e.type, at: e.at.toISOString() })) } : {}),
            },
          });
        }
      }
      results.sort((a, b) => a.index - b.index);
      for (let a = 0; a < audits.length; a += 1000) await recordAudit(trx, ...audits.slice(a, a + 1000));
      // Loading history does not flood the review channels: a card is posted only for occurrences
      // flagged within REVIEW_BACKFILL_DAYS (older ones are held, summarised and open to `review`).
      const since = now.getTime() - policy.schedule.backfillDays * 86_400_000;
      await queueNewCards(
        trx,
        created.filter(
          (c) => (c.item.recordedAs === 'crime' || policy.nchiPolicy !== 'review-off') && new Date(c.item.flaggedAt).getTime() >= since,
        ),
        now,
      );
      await queueCardRefresh(trx, refreshed, now);
      return results;
    }),
  );
}

/**
 * A new occurrence's row. First seen already filed or closed: its closure call is due (closed_at
 * now) only if it was flagged within the backfill window, so loading history prompts nobody.
 */
function newOccurrenceRow<R extends { flagged_at: Date; status: string }>(
  row: R,
  backfillDays: number,
  now: Date,
): R & { closed_at: Date | null; created_at: Date; updated_at: Date } {
  const recent = row.flagged_at.getTime() >= now.getTime() - backfillDays * 86_400_000;
  return { ...row, closed_at: row.status !== 'open' && recent ? now : null, created_at: now, updated_at: now };
}

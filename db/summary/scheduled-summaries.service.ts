import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import { enqueueMessages, type SummaryPayload } from '../outbox/outbox.service.js';
import type { Database, Db } from '../schema.js';
import { forceWide } from '../access/access.policy.js';
import { resolveSummaryScope, type SummaryScope } from './access.policy.js';
import { isoWeekKey, monthKey, parsePeriod } from './period.policy.js';
import type { SummarySettings } from './report.policy.js';
import { computeSummary, summaryAudit } from './summary.service.js';
import type { SummaryReport } from './summary.types.js';

interface Delivery {
  userId: string;
  dedupeKey: string;
  scope: SummaryScope;
}

async function rosterUsers(db: Kysely<Database>, role: string) {
  return db
    .selectFrom('users')
    .select(['id', 'upn', 'districts'])
    .where('teams_id', 'is not', null)
    .where(sql<boolean>`${role} = any(roles)`)
    .orderBy('id')
    .execute();
}

/**
 * Queues each delivery not queued before (dedupe key), with its audit entry in one transaction.
 * The summary is named by scope and period, and computed and rendered when sent
 * (bot/proactive/renderer.ts, summaryForCard).
 * @returns how many messages were newly queued
 */
async function deliver(
  db: Kysely<Database>,
  deliveries: readonly Delivery[],
  periodText: SummaryPayload['period'],
  now: Date,
  reason: string,
): Promise<number> {
  if (deliveries.length === 0) return 0;
  const period = parsePeriod(periodText, now);
  const done = await db
    .selectFrom('outbox')
    .select('dedupe_key')
    .where(
      'dedupe_key',
      'in',
      deliveries.map((d) => d.dedupeKey),
    )
    .execute();
  const skip = new Set(done.map((d) => d.dedupe_key));
  let queued = 0;
  for (const d of deliveries.filter((x) => !skip.has(x.dedupeKey))) {
    const conversationId = `user:${d.userId}`;
    const payload: SummaryPayload = { type: 'summary', scope: toStored(d.scope), period: periodText, asOf: now.toISOString() };
    queued += await db.transaction().execute(async (trx) => {
      const n = await enqueueMessages(trx, [{ dedupeKey: d.dedupeKey, conversationId, payload }], now);
      if (n > 0) await recordAudit(trx, summaryAudit(`system:${reason.replace(/\s+/g, '-')}`, d.scope, period, reason, conversationId));
      return n;
    });
  }
  return queued;
}

/** A scope as the outbox stores it (plain arrays). */
const toStored = (scope: SummaryScope): SummaryPayload['scope'] =>
  scope.kind === 'force'
    ? scope
    : scope.kind === 'districts'
      ? { ...scope, districts: [...scope.districts] }
      : { ...scope, districts: scope.districts && [...scope.districts] };

/**
 * The summary a queued message names, computed now for the scope and period it was queued with
 * (the period read at the time it was queued, so a late send covers the same dates). Not audited
 * again: the disclosure was recorded when it was queued.
 */
export async function summaryForCard(db: Db, payload: SummaryPayload, settings: SummarySettings, now: Date): Promise<SummaryReport> {
  return computeSummary(db, payload.scope, parsePeriod(payload.period, new Date(payload.asOf)), settings, now);
}

/**
 * The weekly summary (default Monday 08:00): last week (Monday to Sunday, Europe/London) to
 * every manager on the roster who has a Teams account, in their personal chat, for their
 * districts (all when force-wide `*`; none when they have no districts). Dedupe key `summary-weekly:<userId>:<ISO week>`.
 * @returns how many summaries were newly queued
 */
export async function queueWeeklySummaries(db: Kysely<Database>, now: Date): Promise<number> {
  const week = isoWeekKey(parsePeriod('last week', now).start);
  // Need to know: a manager with no roster districts gets none (`*` is force-wide).
  const managers = (await rosterUsers(db, 'manager')).filter((m) => m.districts.length > 0);
  const deliveries = managers.map((m) => ({
    userId: m.id,
    dedupeKey: `summary-weekly:${m.id}:${week}`,
    scope: resolveSummaryScope({ label: `user:${m.id}`, upn: m.upn, roles: ['manager'], districts: m.districts }, null),
  }));
  return deliver(db, deliveries, 'last week', now, 'weekly summary');
}

/**
 * The monthly summary (default the 1st, 08:00) for the SPOC's report to the Chief Inspector:
 * last month, one per district to each coordinator of that district (a force-wide `*`
 * coordinator gets the force-level one; one with no districts gets none). Dedupe key `summary-monthly:<district|all>:<YYYY-MM>:<userId>`.
 * @returns how many summaries were newly queued
 */
export async function queueMonthlySummaries(db: Kysely<Database>, now: Date): Promise<number> {
  const month = monthKey(parsePeriod('last month', now).start);
  const coordinators = await rosterUsers(db, 'coordinator');
  const deliveries = coordinators.flatMap((c) => {
    const actor = { label: `user:${c.id}`, upn: c.upn, roles: ['coordinator'], districts: c.districts };
    if (forceWide(c)) return [{ userId: c.id, dedupeKey: `summary-monthly:all:${month}:${c.id}`, scope: resolveSummaryScope(actor, null) }];
    return c.districts.map((d) => ({
      userId: c.id,
      dedupeKey: `summary-monthly:${d.toLowerCase()}:${month}:${c.id}`,
      scope: resolveSummaryScope(actor, d),
    }));
  });
  return deliver(db, deliveries, 'last month', now, 'monthly summary');
}

import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import { enqueueMessages } from '../outbox/outbox.service.js';
import type { Database } from '../schema.js';
import { forceWide } from '../access/access.policy.js';
import { resolveSummaryScope, scopeKey, type SummaryScope } from './access.policy.js';
import { isoWeekKey, monthKey, parsePeriod, type Period } from './period.policy.js';
import type { SummarySettings } from './report.policy.js';
import { computeSummary, summaryAudit } from './summary.service.js';
import type { SummaryReport } from './summary.types.js';

/** Turns a report into the card to send (the job passes the card renderer; db/ knows no cards). */
export type RenderSummary = (report: SummaryReport) => Promise<Record<string, unknown>>;

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
 * Queues each delivery not queued before: one summary per distinct scope is computed and
 * rendered, then each message is enqueued (dedupe key) with its audit entry in one transaction.
 * @returns how many messages were newly queued
 */
async function deliver(db: Kysely<Database>, deliveries: readonly Delivery[], period: Period, settings: SummarySettings, now: Date, render: RenderSummary, reason: string): Promise<number> {
  if (deliveries.length === 0) return 0;
  const done = await db.selectFrom('outbox').select('dedupe_key').where('dedupe_key', 'in', deliveries.map((d) => d.dedupeKey)).execute();
  const skip = new Set(done.map((d) => d.dedupe_key));
  const cards = new Map<string, Record<string, unknown>>();
  let queued = 0;
  for (const d of deliveries.filter((x) => !skip.has(x.dedupeKey))) {
    const key = scopeKey(d.scope);
    if (!cards.has(key)) cards.set(key, await render(await computeSummary(db, d.scope, period, settings, now)));
    const conversationId = `user:${d.userId}`;
    queued += await db.transaction().execute(async (trx) => {
      const n = await enqueueMessages(trx, [{ dedupeKey: d.dedupeKey, conversationId, payload: { type: 'card', card: cards.get(key)! } }], now);
      if (n > 0) await recordAudit(trx, summaryAudit(`system:${reason.replace(/\s+/g, '-')}`, d.scope, period, reason, conversationId));
      return n;
    });
  }
  return queued;
}

/**
 * The weekly summary (default Monday 08:00): last week (Monday to Sunday, Europe/London) to
 * every manager on the roster who has a Teams account, in their personal chat, for their
 * districts (all when force-wide `*`; none when they have no districts). Dedupe key `summary-weekly:<userId>:<ISO week>`.
 * @returns how many summaries were newly queued
 */
export async function queueWeeklySummaries(db: Kysely<Database>, settings: SummarySettings, now: Date, render: RenderSummary): Promise<number> {
  const period = parsePeriod('last week', now);
  const week = isoWeekKey(period.start);
  // Need to know: a manager with no roster districts gets none (`*` is force-wide).
  const managers = (await rosterUsers(db, 'manager')).filter((m) => m.districts.length > 0);
  const deliveries = managers.map((m) => ({
    userId: m.id,
    dedupeKey: `summary-weekly:${m.id}:${week}`,
    scope: resolveSummaryScope({ label: `user:${m.id}`, upn: m.upn, roles: ['manager'], districts: m.districts }, null),
  }));
  return deliver(db, deliveries, period, settings, now, render, 'weekly summary');
}

/**
 * The monthly summary (default the 1st, 08:00) for the SPOC's report to the Chief Inspector:
 * last month, one per district to each coordinator of that district (a force-wide `*`
 * coordinator gets the force-level one; one with no districts gets none). Dedupe key `summary-monthly:<district|all>:<YYYY-MM>:<userId>`.
 * @returns how many summaries were newly queued
 */
export async function queueMonthlySummaries(db: Kysely<Database>, settings: SummarySettings, now: Date, render: RenderSummary): Promise<number> {
  const period = parsePeriod('last month', now);
  const month = monthKey(period.start);
  const coordinators = await rosterUsers(db, 'coordinator');
  const deliveries = coordinators.flatMap((c) => {
    const actor = { label: `user:${c.id}`, upn: c.upn, roles: ['coordinator'], districts: c.districts };
    if (forceWide(c)) return [{ userId: c.id, dedupeKey: `summary-monthly:all:${month}:${c.id}`, scope: resolveSummaryScope(actor, null) }];
    return c.districts.map((d) => ({ userId: c.id, dedupeKey: `summary-monthly:${d.toLowerCase()}:${month}:${c.id}`, scope: resolveSummaryScope(actor, d) }));
  });
  return deliver(db, deliveries, period, settings, now, render, 'monthly summary');
}

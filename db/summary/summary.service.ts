import { knownDistrict } from '../access/access.service.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Db } from '../schema.js';
import { resolveSummaryScope, scopeKey, type SummaryActor, type SummaryScope } from './access.policy.js';
import { openHighRisk, occurrenceCounts, outcomes, repeatCounts, strandMonths, type Window } from './occurrence.queries.js';
import { londonDate } from '../time/london-time.js';
import { chartMonths, parsePeriod, repeatWindowStart, type Period } from './period.policy.js';
import { buildReport, type SummarySettings } from './report.policy.js';
import type { SummaryReport } from './summary.types.js';
import { actionProgress, compliance, complianceStart, overdueActions, overdueByOwner } from './work.queries.js';

export { resolveScrutinyScope, resolveSummaryScope, scopeKey, type SummaryActor, type SummaryScope } from './access.policy.js';
export { chartMonths, parsePeriod, PERIOD_USAGE, type Period, type PeriodKind } from './period.policy.js';
export { summarySettingsOf, type SummarySettings } from './report.policy.js';
export type { ComparedRow, ComplianceRow, Count, PillarRow, SummaryReport } from './summary.types.js';

/** A request for a status summary, as a handler or a job makes it. */
export interface SummaryRequest {
  actor: SummaryActor;
  /** Period phrase (`last quarter`, `1/10/2026 to 31/10/2026`); empty: this month. */
  periodText: string | null;
  /** District asked for; null: the actor's districts (or all, for force-level roles). */
  district: string | null;
  /** Why it is disclosed, for the audit log (e.g. `summary command`, `weekly summary`). */
  reason: string;
  /** Where it is shown (conversation id or `user:<uuid>`), for the audit log. */
  destination: string | null;
}

/**
 * Computes every figure of a summary in SQL for a resolved scope and period (no audit): when compliance
 * starts, then nine queries, each reading only its period's rows, run concurrently (a pooled PostgreSQL uses
 * several connections).
 */
export async function computeSummary(
  db: Db,
  scope: SummaryScope,
  period: Period,
  settings: SummarySettings,
  now: Date,
): Promise<SummaryReport> {
  const w: Window = { start: period.start, end: period.end, prevStart: period.previous.start, prevEnd: period.previous.end };
  const months = chartMonths(period);
  const today = londonDate(now);
  const from = await complianceStart(db, settings.complianceFrom);
  // Reviews due before the bot went live (or COMPLIANCE_FROM) are history nobody could review on time.
  const compStart = from && from.from > period.start ? from.from : period.start;
  const [counts, chartCells, high, repeats, comp, overdue, actions, overdueList, closed] = await Promise.all([
    occurrenceCounts(db, scope, w),
    strandMonths(db, scope, months.ranges),
    openHighRisk(db, scope),
    repeatCounts(db, scope, w, repeatWindowStart(period, settings.repeat.windowMonths), settings.repeat.minOccurrences),
    compliance(db, scope, compStart, compStart > period.end ? compStart : period.end),
    overdueByOwner(db, scope, now, from?.from ?? null),
    actionProgress(db, scope, today),
    overdueActions(db, scope, today),
    outcomes(db, scope, w),
  ]);
  return buildReport(
    {
      counts,
      strands: counts.byStrand,
      chart: { months: months.months, cells: chartCells },
      risk: counts.risk,
      openHighRisk: high,
      repeats,
      compliance: comp,
      complianceFrom: from,
      overdue,
      actions: { cells: actions.cells, overdue: actions.overdue },
      overdueActions: overdueList,
      outcomes: closed,
    },
    scope,
    period,
    settings,
    now,
  );
}

/** The audit entry of a disclosed summary (DPA 2018 s62: who, when, what, to where, why). */
export function summaryAudit(actor: string, scope: SummaryScope, period: Period, reason: string, destination: string | null) {
  return {
    actor,
    action: 'summary.disclosed',
    entityType: 'summary',
    entityId: scopeKey(scope),
    details: {
      scope: { kind: scope.kind, label: scope.label, aggregatesOnly: scope.aggregatesOnly },
      period: { kind: period.kind, start: period.start.toISOString(), end: period.end.toISOString() },
      reason,
      destination,
    },
  };
}

/**
 * The status summary a user asked for (issue 5): resolves what they may see, reads the period
 * (Europe/London edges), computes the figures in SQL and records the disclosure in the audit log.
 * @throws ValidationError for a period that cannot be read or a district the bot does not know
 *   (listing the known ones); ForbiddenError when the user may not see summaries or the district
 */
export async function summaryFor(db: Db, req: SummaryRequest, settings: SummarySettings, now: Date): Promise<SummaryReport> {
  const district = req.district === null ? null : await knownDistrict(db, req.district);
  const scope = resolveSummaryScope(req.actor, district);
  const period = parsePeriod(req.periodText, now);
  const report = await computeSummary(db, scope, period, settings, now);
  await recordAudit(db, summaryAudit(req.actor.label, scope, period, req.reason, req.destination));
  return report;
}

import { knownDistrict } from '../access/access.service.js';
import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.service.js';
import { ValidationError } from '../errors.js';
import type { Database } from '../schema.js';
import { resolveScrutinyScope, scopeKey, type SummaryActor } from './access.policy.js';
import { anonymiseCases, randomPositions, type AnonymisedCase } from './anonymise.policy.js';
import { scrutinyCsv } from './csv.policy.js';
import { storeExport, takeExport } from './exports.repository.js';
import { londonDate } from '../time/london-time.js';
import { parseScrutinyPeriod } from './scrutiny.period.js';
import type { SummarySettings } from './report.policy.js';
import { countClosed, sampleClosed } from './scrutiny.queries.js';
import { computeSummary } from './summary.service.js';
import type { Count, SummaryReport } from './summary.types.js';

export { SCRUTINY_PERIOD_USAGE } from './scrutiny.period.js';

export type { AnonymisedCase } from './anonymise.policy.js';

/** How long a CSV download link works. */
export const EXPORT_TTL_MS = 60 * 60 * 1000;

/** A request for a scrutiny pack. */
export interface ScrutinyRequest {
  actor: SummaryActor;
  /** Period phrase, whole calendar months (scrutiny.period.ts); empty: last quarter (panels usually meet quarterly). */
  periodText: string | null;
  district: string | null;
  reason: string;
  destination: string | null;
  /** Public base URL of the bot, for the CSV link. */
  baseUrl: string;
}

/** An anonymised scrutiny pack: the sample, the aggregate tables, and the CSV link. */
export interface ScrutinyPack {
  report: SummaryReport;
  cases: AnonymisedCase[];
  /** Closed occurrences the sample was drawn from (null: small; 'hidden': hidden by the secondary rule). */
  eligible: Count;
  download: { url: string; expiresAt: Date };
}

const filenameOf = (scope: string, start: Date) =>
  `scrutiny-pack-${
    scope
      .replace(/[^a-z0-9]+/gi, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase() || 'all'
  }-${londonDate(start)}.csv`;

/**
 * Builds a scrutiny pack (issue 5 item 3): a random sample (settings.scrutinySampleSize, drawn
 * with node:crypto) of occurrences closed in the period, anonymised (no references, people or
 * location refs, dates as months, no free text), with the aggregate tables suppressed for small
 * numbers, and a CSV download link valid for one hour. The disclosure (with the internal ids of
 * the sampled occurrences) is audited. Disclosure control (issue 9 item 9): whole calendar
 * months only, and no pack for a scope and period with fewer than settings.scrutinyMinClosed
 * closed occurrences (the answer does not say how many there were).
 * @throws ValidationError for a period that is not whole, ended months, too few closed
 *   occurrences, or an unknown district (listing the known ones); ForbiddenError for roles other
 *   than coordinator or manager, or a district outside the user's
 */
export async function scrutinyPackFor(
  db: Kysely<Database>,
  req: ScrutinyRequest,
  settings: SummarySettings,
  now: Date,
): Promise<ScrutinyPack> {
  const scope = resolveScrutinyScope(req.actor, req.district === null ? null : await knownDistrict(db, req.district));
  const period = parseScrutinyPeriod(req.periodText, now);
  const rows = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const n = await countClosed(trx, scope, period.start, period.end);
      if (n < settings.scrutinyMinClosed) {
        throw new ValidationError(
          `Too few occurrences were closed in ${scope.label} in ${period.label} for a scrutiny pack: at least ${settings.scrutinyMinClosed} ${settings.scrutinyMinClosed === 1 ? 'is' : 'are'} needed, so that no one in it can be recognised. Ask for more months or a wider area.`,
          [{ path: 'period', message: 'too few closed occurrences' }],
        );
      }
      return sampleClosed(trx, scope, period.start, period.end, randomPositions(n, settings.scrutinySampleSize), now, settings.repeat);
    });
  const cases = anonymiseCases(
    rows.map(({ id: _id, ...row }) => row),
    settings.strands,
  );
  const report = await computeSummary(db, scope, period, settings, now);
  const expiresAt = new Date(now.getTime() + EXPORT_TTL_MS);
  return db.transaction().execute(async (trx) => {
    const file = await storeExport(
      trx,
      {
        kind: 'scrutiny_pack',
        filename: filenameOf(scope.label, period.start),
        content: scrutinyCsv(report, cases, report.outcomes.closed),
        createdBy: req.actor.label,
        expiresAt,
      },
      now,
    );
    await recordAudit(trx, {
      actor: req.actor.label,
      action: 'scrutiny_pack.disclosed',
      entityType: 'summary',
      entityId: scopeKey(scope),
      details: {
        scope: { kind: scope.kind, label: scope.label },
        period: { kind: period.kind, start: period.start.toISOString(), end: period.end.toISOString() },
        sampleSize: cases.length,
        occurrenceIds: rows.map((r) => r.id),
        exportId: file.id,
        expiresAt: expiresAt.toISOString(),
        reason: req.reason,
        destination: req.destination,
      },
    });
    return {
      report,
      cases,
      eligible: report.outcomes.closed,
      download: { url: `${req.baseUrl}/api/exports/${file.token}.csv`, expiresAt },
    };
  });
}

/**
 * The CSV behind a download link, if the token is valid and unexpired; the download is audited
 * (`export.downloaded`, with the requester's address). Null otherwise.
 */
export async function downloadExport(
  db: Kysely<Database>,
  token: string,
  requester: { ip: string | null; userAgent: string | null },
  now: Date,
): Promise<{ filename: string; content: string } | null> {
  return db.transaction().execute(async (trx) => {
    const file = await takeExport(trx, token, now);
    if (!file) return null;
    await recordAudit(trx, {
      actor: `link:${file.id}`,
      action: 'export.downloaded',
      entityType: 'summary_export',
      entityId: file.id,
      details: { kind: file.kind, download: file.downloads, ip: requester.ip, userAgent: requester.userAgent?.slice(0, 200) ?? null },
    });
    return { filename: file.filename, content: file.content };
  });
}

import { knownDistrict, type Actor } from '../access/access.service.js';
import type { Db } from '../schema.js';
import { resolveSummaryScope, scopeKey, summaryFor, type SummaryReport, type SummarySettings } from '../summary/summary.service.js';
import { londonDate } from '../time/london-time.js';
import { storeDocument, type DocumentLink } from './documents.service.js';

/** A request for the monthly report as a document (`summary … as document`). */
export interface ReportDocumentRequest {
  actor: Pick<Actor, 'label' | 'userId' | 'name' | 'upn' | 'roles' | 'districts'>;
  /** Period phrase as for `summary`; empty: last month (the report is monthly, seed 001 1.6). */
  periodText: string | null;
  district: string | null;
  /** Where it is shown (conversation id), for the audit log. */
  destination: string | null;
  /** Public base URL of the bot, for the link. */
  baseUrl: string;
}

const slug = (s: string) =>
  s
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase() || 'all';

/**
 * The manager's monthly report to the Chief Inspector (issue 13 item 4; seed 001 1.6) as a Word
 * document behind a one-hour link. The figures are the summary's, with its need-to-know and
 * suppression (summaryFor: scope, period, audit as a disclosure with reason `summary document`);
 * the link remembers the scope, and the download asks the access rule again for the same one.
 * @throws as summaryFor: ValidationError for an unreadable period or unknown district;
 *   ForbiddenError when the user may not see summaries or that district
 */
export async function reportDocumentFor(
  db: Db,
  req: ReportDocumentRequest,
  settings: SummarySettings,
  now: Date,
): Promise<{ report: SummaryReport; document: DocumentLink }> {
  // The Word library is loaded on the first document, not at start: the running bot rarely needs it (memory, issue 11).
  const { renderReportDocument } = await import('../summary/report.document.js');
  const report = await summaryFor(
    db,
    {
      actor: req.actor,
      periodText: req.periodText ?? 'last month',
      district: req.district,
      reason: 'summary document',
      destination: req.destination,
    },
    settings,
    now,
  );
  const district = req.district === null ? null : await knownDistrict(db, req.district);
  const scope = scopeKey(resolveSummaryScope(req.actor, district));
  const document = await storeDocument(
    db,
    {
      kind: 'summary_report',
      filename: `hate-crime-report-${slug(report.scope.label)}-${londonDate(report.period.start)}.docx`,
      content: await renderReportDocument(report, { requester: req.actor.name }),
      actor: req.actor,
      access: { kind: 'summary', district, scope },
    },
    req.baseUrl,
    now,
  );
  return { report, document };
}

import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { renderDocumentLinkCard } from '../../../cards/document-link.card.js';
import { reportDocumentFor } from '../../../db/documents/report.service.js';
import { PERIOD_USAGE, summarySettingsOf } from '../../../db/summary/summary.service.js';
import { getActor, type BotDeps } from '../context.js';
import { channelConversationId } from '../identity.js';
import { problemOf } from '../replies.js';
import { commandArgs, parseSummaryArgs } from './summary.command.js';

export const REPORT_DOCUMENT_USAGE = '`summary [period] [district NAME] as document`, e.g. `summary last month district Leeds as document`';

const AS_DOCUMENT = /\s+as\s+(?:a\s+)?(?:word\s+)?document\s*$/i;

/** Whether a `summary …` command asks for the document (ends with `as document`). */
export const asDocument = (text: string): boolean => AS_DOCUMENT.test(text);

/**
 * `summary [period] [district NAME] as document` (issue 13 item 4): the monthly report to the
 * Chief Inspector as a Word document (default period: last month), with the summary card's
 * need-to-know and suppression; answers with a card linking to it. Refusals are audited.
 */
export async function runReportDocumentCommand(deps: BotDeps, ctx: TurnContext, text: string): Promise<void> {
  const args = parseSummaryArgs(commandArgs(text.replace(AS_DOCUMENT, ''), ['summary']) ?? '');
  if (!args.ok) {
    await ctx.sendActivity(`That command is not quite right: ${args.problem}\n\nUse ${REPORT_DOCUMENT_USAGE}.`);
    return;
  }
  try {
    const { report, document } = await reportDocumentFor(
      deps.db,
      {
        actor: getActor(ctx),
        periodText: args.period,
        district: args.district,
        destination: channelConversationId(ctx.activity.conversation.id),
        baseUrl: deps.config.publicBaseUrl,
      },
      summarySettingsOf(deps.config),
      deps.clock(),
    );
    const card = renderDocumentLinkCard({
      title: 'Monthly hate crime report to the Chief Inspector',
      lines: [`${report.scope.label} · ${report.period.label}, compared with ${report.period.previous.label}.`],
      button: 'Open the report (Word)',
      document,
    });
    await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  } catch (e) {
    const p = await problemOf(deps, ctx, e, { what: 'summary' });
    await ctx.sendActivity(p.kind === 'invalid' ? `${p.message}\n\nUse ${REPORT_DOCUMENT_USAGE}. Periods: ${PERIOD_USAGE}.` : p.text);
  }
}

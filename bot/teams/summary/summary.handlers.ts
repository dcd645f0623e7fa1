import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { renderScrutinyCard } from '../../../cards/scrutiny.card.js';
import { renderSummaryCard } from '../../../cards/summary.card.js';
import { summaryShowSchema } from '../../../cards/summary.verbs.js';
import type { AdaptiveCard } from '../../../cards/card.js';
import { scrutinyPackFor } from '../../../db/summary/scrutiny.service.js';
import { SCRUTINY_PERIOD_USAGE } from '../../../db/summary/scrutiny.service.js';
import { PERIOD_USAGE, summaryFor, summarySettingsOf } from '../../../db/summary/summary.service.js';
import { getActor, type BotDeps } from '../context.js';
import { problemOf } from '../replies.js';
import { channelConversationId } from '../identity.js';
import { commandArgs, parseSummaryArgs } from './summary.command.js';
import { asDocument, runReportDocumentCommand } from './report-document.handlers.js';

export const SUMMARY_USAGE = '`summary [period] [district NAME]`, e.g. `summary last quarter district Leeds`';
export const SCRUTINY_USAGE = '`scrutiny pack [period] [district NAME]`, e.g. `scrutiny pack last quarter`';

/** Domain errors as a reply (a refusal audited as `what`); anything else goes to the turn-error handler. */
async function friendly(deps: BotDeps, ctx: TurnContext, e: unknown, usage: string, what: string, periods = PERIOD_USAGE): Promise<string> {
  const p = await problemOf(deps, ctx, e, { what });
  return p.kind === 'invalid' ? `${p.message}\n\nUse ${usage}. Periods: ${periods}.` : p.text;
}

const send = (ctx: TurnContext, card: AdaptiveCard) => ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));

async function summaryCard(
  deps: BotDeps,
  ctx: TurnContext,
  period: string | null,
  district: string | null,
  reason: string,
): Promise<AdaptiveCard | string> {
  try {
    const report = await summaryFor(
      deps.db,
      { actor: getActor(ctx), periodText: period, district, reason, destination: channelConversationId(ctx.activity.conversation.id) },
      summarySettingsOf(deps.config),
      deps.clock(),
    );
    return await renderSummaryCard(report, district);
  } catch (e) {
    return friendly(deps, ctx, e, SUMMARY_USAGE, 'summary');
  }
}

/** `summary [period] [district <name>]`: posts the status summary card (audited disclosure). */
export async function runSummaryCommand(deps: BotDeps, ctx: TurnContext, text: string): Promise<void> {
  if (asDocument(text)) return runReportDocumentCommand(deps, ctx, text);
  const args = parseSummaryArgs(commandArgs(text, ['summary']) ?? '');
  if (!args.ok) {
    await ctx.sendActivity(`That command is not quite right: ${args.problem}\n\nUse ${SUMMARY_USAGE}.`);
    return;
  }
  const result = await summaryCard(deps, ctx, args.period, args.district, 'summary command');
  await (typeof result === 'string' ? ctx.sendActivity(result) : send(ctx, result));
}

/** The period buttons of a summary card: the same summary for another period, in place. */
export async function handleSummaryShow(deps: BotDeps, ctx: TurnContext, data: Record<string, unknown>): Promise<AdaptiveCard | string> {
  const parsed = summaryShowSchema.safeParse(data);
  if (!parsed.success) return `That button sent something I can't read: ${parsed.error.issues.map((i) => i.message).join('; ')}.`;
  return summaryCard(deps, ctx, parsed.data.period || null, parsed.data.district, 'summary card button');
}

/** `scrutiny pack [period] [district <name>]`: posts the anonymised pack with its CSV link (audited). */
export async function runScrutinyCommand(deps: BotDeps, ctx: TurnContext, text: string): Promise<void> {
  const rest = commandArgs(text, ['scrutiny', 'pack']);
  if (rest === null) {
    await ctx.sendActivity(`Did you mean ${SCRUTINY_USAGE}?`);
    return;
  }
  const args = parseSummaryArgs(rest);
  if (!args.ok) {
    await ctx.sendActivity(`That command is not quite right: ${args.problem}\n\nUse ${SCRUTINY_USAGE}.`);
    return;
  }
  try {
    const pack = await scrutinyPackFor(
      deps.db,
      {
        actor: getActor(ctx),
        periodText: args.period,
        district: args.district,
        reason: 'scrutiny pack command',
        destination: channelConversationId(ctx.activity.conversation.id),
        baseUrl: deps.config.publicBaseUrl,
      },
      summarySettingsOf(deps.config),
      deps.clock(),
    );
    await send(ctx, await renderScrutinyCard(pack));
  } catch (e) {
    await ctx.sendActivity(await friendly(deps, ctx, e, SCRUTINY_USAGE, 'scrutiny pack', SCRUTINY_PERIOD_USAGE));
  }
}

import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { renderScrutinyCard } from '../../../cards/scrutiny.card.js';
import { renderSummaryCard } from '../../../cards/summary.card.js';
import { summaryShowSchema } from '../../../cards/summary.verbs.js';
import type { AdaptiveCard } from '../../../cards/review.card.js';
import { ForbiddenError, ValidationError } from '../../../db/errors.js';
import { scrutinyPackFor } from '../../../db/summary/scrutiny.service.js';
import { SCRUTINY_PERIOD_USAGE } from '../../../db/summary/scrutiny.period.js';
import { PERIOD_USAGE, summaryFor, summarySettingsOf, type SummaryActor } from '../../../db/summary/summary.service.js';
import { getActor, type Actor, type BotDeps } from '../context.js';
import { channelConversationId } from '../identity.js';
import { commandArgs, parseSummaryArgs } from './summary.command.js';

export const SUMMARY_USAGE = '`summary [period] [district NAME]`, e.g. `summary last quarter district Leeds`';
export const SCRUTINY_USAGE = '`scrutiny pack [period] [district NAME]`, e.g. `scrutiny pack last quarter`';


const summaryActor = (a: Actor): SummaryActor => ({ label: a.label, upn: a.user.upn, roles: a.roles, districts: a.user.districts });

/** Domain errors as a reply; anything else goes to the turn-error handler. */
function friendly(e: unknown, usage: string, periods = PERIOD_USAGE): string {
  if (e instanceof ValidationError) return `${e.message}\n\nUse ${usage}. Periods: ${periods}.`;
  if (e instanceof ForbiddenError) return `I can't show that: ${e.message}.`;
  throw e;
}

const send = (ctx: TurnContext, card: AdaptiveCard) => ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));

async function summaryCard(deps: BotDeps, ctx: TurnContext, period: string | null, district: string | null, reason: string): Promise<AdaptiveCard | string> {
  try {
    const report = await summaryFor(
      deps.db,
      { actor: summaryActor(getActor(ctx)), periodText: period, district, reason, destination: channelConversationId(ctx.activity.conversation.id) },
      summarySettingsOf(deps.config),
      deps.clock(),
    );
    return await renderSummaryCard(report, district);
  } catch (e) {
    return friendly(e, SUMMARY_USAGE);
  }
}

/** `summary [period] [district <name>]`: posts the status summary card (audited disclosure). */
export async function runSummaryCommand(deps: BotDeps, ctx: TurnContext, text: string): Promise<void> {
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
      { actor: summaryActor(getActor(ctx)), periodText: args.period, district: args.district, reason: 'scrutiny pack command', destination: channelConversationId(ctx.activity.conversation.id), baseUrl: deps.config.publicBaseUrl },
      summarySettingsOf(deps.config),
      deps.clock(),
    );
    await send(ctx, await renderScrutinyCard(pack));
  } catch (e) {
    await ctx.sendActivity(friendly(e, SCRUTINY_USAGE, SCRUTINY_PERIOD_USAGE));
  }
}

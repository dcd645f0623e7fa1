import type { TurnContext } from 'botbuilder';
import { requestDigest } from '../../../db/schedule/digest.service.js';
import { getActor, type BotDeps } from '../context.js';
import type { Feature } from '../feature.js';
import { channelConversationId } from '../identity.js';
import { problemReply } from '../replies.js';

const USAGE = '`digest now`';

/**
 * `digest now`: posts the review digest here on demand (coordinators; issue 12, item 7). In a
 * review channel it covers the channel's districts, in a personal chat the coordinator's. The
 * digest itself arrives through the outbox, like the weekday one.
 */
export async function runDigestCommand(deps: BotDeps, ctx: TurnContext, text: string): Promise<void> {
  const arg = text.replace(/\s+/g, ' ').trim().split(' ').slice(1).join(' ').toLowerCase();
  if (arg !== 'now') {
    await ctx.sendActivity(`That command is not quite right: say when.\n\nUse ${USAGE}.`);
    return;
  }
  const conversationId = channelConversationId(ctx.activity.conversation.id);
  const personal = (ctx.activity.conversation.conversationType ?? 'personal') === 'personal';
  try {
    const districts = await requestDigest(deps.db, getActor(ctx), conversationId, personal, deps.clock());
    deps.kickOutbox();
    await ctx.sendActivity(`The digest for ${districts ? districts.join(', ') : 'all districts'} is on its way.`);
  } catch (e) {
    await ctx.sendActivity(await problemReply(deps, ctx, e, { what: 'digest', entityType: 'conversation', entityId: conversationId }));
  }
}

/** The review digest on demand. */
export const digestFeature: Feature = {
  commands: [
    {
      words: ['digest'],
      help: [
        '- `digest now` – the review digest here and now: flagged since the last digest, due today, overdue by owner, high-risk open (coordinators; in a review channel for its districts, in a personal chat for yours)',
      ],
      run: runDigestCommand,
    },
  ],
  cardActions: [],
};

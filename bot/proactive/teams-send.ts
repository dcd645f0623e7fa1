import { TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Kysely } from 'kysely';
import { latestConversation, saveConversationReference } from '../../db/conversations/conversations.service.js';
import { isTrustedServiceUrl, type ServiceUrlPrefix } from '../../db/conversations/conversations.service.js';
import type { Database } from '../../db/schema.js';

/** What to send for a payload: a new activity, an update of an existing one, or nothing (why). */
export type Rendered =
  | { kind: 'send'; activity: Partial<Activity> }
  | { kind: 'update'; activityId: string; activity: Partial<Activity> }
  | { kind: 'skip'; reason: string };

/** What a proactive send through the Teams adapter needs. */
export interface TeamsSender {
  db: Kysely<Database>;
  adapter: CloudAdapter;
  botAppId: string;
  /** SERVICE_URL_ALLOWLIST: a new personal chat is created only through a trusted service URL. */
  serviceUrlAllowlist: readonly ServiceUrlPrefix[];
}

/** The recipient cannot be reached in Teams (read as a 403: the message is re-routed). */
export class Unreachable extends Error {}

const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';

type Sendable = Exclude<Rendered, { kind: 'skip' }>;

/** Sends (or updates) an activity in a known conversation. @returns the activity id Teams gave, if any; throws what the connector threw. */
export async function sendTo(t: TeamsSender, reference: Partial<ConversationReference>, r: Sendable): Promise<string | null> {
  let activityId: string | null = null;
  let failure: unknown = null;
  await t.adapter.continueConversationAsync(t.botAppId, reference, async (ctx) => {
    // The adapter's turn-error handler would swallow a failed send; keep it for the outbox.
    try {
      activityId = await sendIn(ctx, r);
    } catch (e) {
      failure = e;
    }
  });
  if (failure) throw failure;
  return activityId;
}

async function sendIn(ctx: TurnContext, r: Sendable): Promise<string | null> {
  if (r.kind === 'update') {
    await ctx.updateActivity({ ...r.activity, id: r.activityId, type: 'message' });
    return r.activityId;
  }
  return (await ctx.sendActivity(r.activity))?.id ?? null;
}

/**
 * Creates the user's personal chat with the bot (Teams allows it once the app is installed for
 * them), saves its conversation reference and sends the first activity in it.
 * @throws Unreachable when no trusted Teams service URL is known yet
 */
export async function createPersonalChat(
  t: TeamsSender,
  userTeamsId: string,
  r: Sendable,
): Promise<{ conversationId: string; activityId: string | null }> {
  const template = await latestConversation(t.db, (url) => isTrustedServiceUrl(t.serviceUrlAllowlist, url));
  const ref = template?.reference as Partial<ConversationReference> | undefined;
  if (!ref?.serviceUrl) throw new Unreachable('no trusted Teams service URL known yet: the bot has not been spoken to');
  let conversationId = '';
  let activityId: string | null = null;
  let failure: unknown = null;
  await t.adapter.createConversationAsync(
    t.botAppId,
    ref.channelId ?? 'msteams',
    ref.serviceUrl,
    BOT_FRAMEWORK_AUDIENCE,
    {
      isGroup: false,
      bot: ref.bot!,
      members: [{ id: userTeamsId, name: '' }],
      tenantId: template?.tenantId ?? undefined,
      channelData: template?.tenantId ? { tenant: { id: template.tenantId } } : undefined,
    } as never,
    async (ctx) => {
      const newRef = TurnContext.getConversationReference(ctx.activity) as Record<string, unknown>;
      conversationId = ctx.activity.conversation.id;
      await saveConversationReference(t.db, {
        id: conversationId,
        conversationType: 'personal',
        tenantId: template?.tenantId ?? null,
        name: null,
        reference: { ...newRef, user: { id: userTeamsId } },
        userTeamsId,
      });
      try {
        activityId = await sendIn(ctx, r);
      } catch (e) {
        failure = e;
      }
    },
  );
  if (failure) throw failure;
  return { conversationId, activityId };
}

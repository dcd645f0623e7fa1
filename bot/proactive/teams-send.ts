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

/** Teams answered 429: the conversation waits `retryAfterSeconds` (its Retry-After, at least 1). */
export class Throttled extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAfterSeconds: number) {
    super(`throttled by Teams: retry after ${retryAfterSeconds} s`);
  }
}

/** Counts a request against Teams' limits (bot/proactive/pacing.ts) before it starts (`create`: a new chat, the tenant's budget only); `done()` once its answer is back. */
export type Pace = (request: 'send' | 'create') => Promise<{ done(): void }>;

const THROTTLE_POLICY = 'hcc-outbox-throttled';

/**
 * Waits up to this long (a Retry-After, or the pacing of a conversation) are slept through; a
 * longer one hands the message back to the outbox so the worker goes on to other conversations.
 */
export const SLEEP_THROUGH_MS = 2000;

interface PolicyPipeline {
  getOrderedPolicies(): { name: string }[];
  addPolicy(
    policy: {
      name: string;
      sendRequest(
        req: unknown,
        next: (req: unknown) => Promise<{ status: number; headers: { get(name: string): string | undefined } }>,
      ): Promise<unknown>;
    },
    options: { afterPhase: 'Retry' },
  ): void;
}

/**
 * botbuilder's HTTP pipeline would wait out a 429's Retry-After itself (up to three times),
 * holding a dispatcher worker idle all the while. Below its retry step, a 429 is turned into
 * Throttled, which the retry step passes straight up (it retries only REST errors): the outbox
 * then hands the message back until Retry-After and the worker goes on to other conversations.
 * 5xx and network errors keep botbuilder's own retries.
 */
function surfaceThrottling(ctx: TurnContext): void {
  const client = ctx.turnState.get(ctx.adapter.ConnectorClientKey) as { client?: { pipeline?: PolicyPipeline } } | undefined;
  const pipeline = client?.client?.pipeline;
  if (!pipeline || pipeline.getOrderedPolicies().some((p) => p.name === THROTTLE_POLICY)) return;
  pipeline.addPolicy(
    {
      name: THROTTLE_POLICY,
      async sendRequest(req, next) {
        const res = await next(req);
        if (res.status !== 429) return res;
        const seconds = Number(res.headers.get('retry-after'));
        // A short wait is slept through by botbuilder's retry step, like a short pacing wait.
        if (!Number.isFinite(seconds) || seconds * 1000 <= SLEEP_THROUGH_MS) return res;
        throw new Throttled(seconds);
      },
    },
    { afterPhase: 'Retry' },
  );
}

const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';

type Sendable = Exclude<Rendered, { kind: 'skip' }>;

/** Sends (or updates) an activity in a known conversation. @returns the activity id Teams gave, if any; throws what the connector threw. */
export async function sendTo(t: TeamsSender, reference: Partial<ConversationReference>, r: Sendable, pace: Pace): Promise<string | null> {
  let activityId: string | null = null;
  let failure: unknown = null;
  await t.adapter.continueConversationAsync(t.botAppId, reference, async (ctx) => {
    // The adapter's turn-error handler would swallow a failed send; keep it for the outbox.
    try {
      activityId = await pacedSend(ctx, r, pace);
    } catch (e) {
      failure = e;
    }
  });
  if (failure) throw failure;
  return activityId;
}

/** Sends within the pacing: counted from just before the request until its answer. */
async function pacedSend(ctx: TurnContext, r: Sendable, pace: Pace): Promise<string | null> {
  surfaceThrottling(ctx);
  const permit = await pace('send');
  try {
    return await sendIn(ctx, r);
  } finally {
    permit.done();
  }
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
  pace: Pace,
): Promise<{ conversationId: string; activityId: string | null }> {
  const template = await latestConversation(t.db, (url) => isTrustedServiceUrl(t.serviceUrlAllowlist, url));
  const ref = template?.reference as Partial<ConversationReference> | undefined;
  if (!ref?.serviceUrl) throw new Unreachable('no trusted Teams service URL known yet: the bot has not been spoken to');
  let conversationId = '';
  let activityId: string | null = null;
  let failure: unknown = null;
  // Creating the chat is a request Teams counts too: paced like a send, answered once the callback runs.
  let creating: { done(): void } | null = await pace('create');
  try {
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
        creating?.done();
        creating = null;
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
          activityId = await pacedSend(ctx, r, pace);
        } catch (e) {
          failure = e;
        }
      },
    );
  } finally {
    creating?.done();
  }
  if (failure) throw failure;
  return { conversationId, activityId };
}

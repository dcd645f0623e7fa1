import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import {
  getConversation,
  markConversationInactive,
  personalChatFor,
  type StoredConversation,
} from '../../db/conversations/conversations.service.js';
import { claimDue, deferClaimed, markFailed, type ClaimedMessage, type OutboxPayload } from '../../db/outbox/outbox.service.js';
import type { Database, Db } from '../../db/schema.js';
import { OutageLog } from '../../db/database.js';
import type { Logger } from '../logger.js';
import { isTrustedServiceUrl, originOf, type ServiceUrlPrefix } from '../../db/conversations/conversations.service.js';
import { retryAfterOf, retryDelayMs, statusOf } from './failures.js';
import type { Pacer } from './pacing.js';
import { SentRecorder } from './recorder.js';
import { rerouteUnreachable } from './reroute.js';
import type { ReminderConfig } from '../../db/actions/reminders.service.js';
import { createPersonalChat, sendTo, SLEEP_THROUGH_MS, Throttled, Unreachable, type Rendered, type TeamsSender } from './teams-send.js';

/** Renders outbox payloads and records what was posted; supplied by the composition root. */
export interface OutboxRenderer {
  render(payload: OutboxPayload, target: { conversationId: string; personal: boolean }): Promise<Rendered>;
  afterSent(trx: Db, payload: OutboxPayload, conversationId: string, activityId: string | null): Promise<void>;
}

export interface DispatcherDeps {
  db: Kysely<Database>;
  adapter: CloudAdapter;
  botAppId: string;
  renderer: OutboxRenderer;
  pacer: Pacer;
  clock: () => Date;
  logger: Logger;
  pollSeconds: number;
  maxAttempts: number;
  concurrency: number;
  /** SERVICE_URL_ALLOWLIST: a stored reference outside it is never sent to. */
  serviceUrlAllowlist: readonly ServiceUrlPrefix[];
  /** When action reminders are due (Config.actions): an undelivered reminder card is told to the coordinators with its refs. */
  reminders: ReminderConfig;
}

/**
 * A conversation at its rate limit for longer than this hands its messages back (deferred, not
 * failed) instead of sleeping on them, so one busy channel does not hold up a whole round. Above
 * the per-second window's longest wait (1 s plus a round trip), so only the 30-second window and
 * long Retry-Afters defer: short waits are slept through.
 */
const DEFER_AFTER_MS = SLEEP_THROUGH_MS;

/**
 * Sends queued proactive messages: claims due outbox rows (SKIP LOCKED, so replicas share the
 * work without doubling it), paces them within Teams' limits, sends each through the Teams
 * adapter (creating a user's personal chat when needed), and records the outcome in the same
 * transaction as what was posted. botbuilder's own HTTP pipeline already retries 429 (honouring
 * Retry-After) and 5xx a few times within one attempt; the outbox only reschedules after that,
 * no sooner than Retry-After. 403 marks the conversation inactive and re-routes to the review channel.
 */
export class OutboxDispatcher {
  private readonly worker = `dispatcher:${randomUUID()}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Soonest time (ms) a deferred message may go; Infinity when none was deferred. */
  private deferredUntil = Infinity;
  private wake: NodeJS.Timeout | null = null;
  /** Outbox targets Teams answered 429, and until when (clock ms) their messages wait: others go on meanwhile. */
  private readonly throttledUntil = new Map<string, number>();

  /** Database outages of the poll loop: logged when they start and end, not at every poll. */
  private readonly outage: OutageLog;

  /** What sending through Teams needs (bot/proactive/teams-send.ts). */
  private readonly teams: TeamsSender;

  /** Records what was sent, in shared transactions (bot/proactive/recorder.ts). */
  private readonly recorder: SentRecorder;

  constructor(private readonly deps: DispatcherDeps) {
    this.outage = new OutageLog(deps.logger, 'outbox', deps.clock);
    this.teams = { db: deps.db, adapter: deps.adapter, botAppId: deps.botAppId, serviceUrlAllowlist: deps.serviceUrlAllowlist };
    this.recorder = new SentRecorder(deps.db, this.worker, deps.clock, deps.logger, (trx, s) =>
      deps.renderer.afterSent(trx, s.message.payload, s.conversationId, s.activityId),
    );
  }

  /** Starts polling every `pollSeconds`. */
  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.deps.pollSeconds * 1000);
    this.timer.unref();
    this.kick();
  }

  /** Asks for a sweep now (after an ingest or a submit), coalescing with one in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Sends until nothing due is left; resolves when done. For jobs, tests and benchmarks. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
    while ((await this.sweep()) > 0);
  }

  /** Stops polling and waits for the sweep in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.wake) clearTimeout(this.wake);
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        while ((await this.sweep()) > 0 && !this.stopped);
        this.outage.succeeded();
      } catch (e) {
        this.outage.failed(e, 'outbox sweep failed');
      }
    } while (this.again && !this.stopped);
    // Deferred messages go as soon as their conversation may take them, not at the next poll.
    if (this.timer && this.deferredUntil < Infinity && !this.wake) {
      this.wake = setTimeout(
        () => {
          this.wake = null;
          this.kick();
        },
        Math.max(0, this.deferredUntil - this.deps.clock().getTime()),
      );
      this.wake.unref();
    }
    this.deferredUntil = Infinity;
  }

  /**
   * One claim-and-send round, claimed as it goes: `concurrency` workers each take one recipient's
   * messages and send them in order (so a personal chat is created once and per-conversation
   * pacing holds); a worker that finds nothing left claims the next batch while the others are
   * still sending, so the pace never stops between batches. Messages claimed for a recipient a
   * worker is still sending to join that worker's queue. The round ends when a claim finds
   * nothing due.
   * @returns how many messages were claimed
   */
  async sweep(): Promise<number> {
    const { db, clock, concurrency } = this.deps;
    const active = new Map<string, ClaimedMessage[]>();
    const waiting: string[] = [];
    let claimed = 0;
    let exhausted = false;
    let claiming: Promise<void> | null = null;
    const claimMore = async () => {
      const batch = await claimDue(db, this.worker, clock(), concurrency * 4);
      claimed += batch.length;
      if (batch.length === 0) exhausted = true;
      for (const m of batch) {
        const queue = active.get(m.conversationId);
        if (queue) queue.push(m);
        else {
          active.set(m.conversationId, [m]);
          waiting.push(m.conversationId);
        }
      }
    };
    const worker = async () => {
      for (;;) {
        if (!waiting.length) {
          if (exhausted || this.stopped) return;
          claiming ??= claimMore().finally(() => {
            claiming = null;
          });
          await claiming;
          continue;
        }
        const target = waiting.shift()!;
        const queue = active.get(target)!;
        for (let m = queue.shift(); m; m = queue.shift()) {
          try {
            await this.deliver(m);
          } catch (e) {
            this.deps.logger.error({ err: e, outboxId: m.id }, 'outbox delivery failed unexpectedly');
          }
        }
        active.delete(target);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return claimed;
  }

  /** The conversation a message goes to; a `user:` target gets its personal chat (null: create one). */
  private async resolveTarget(target: string): Promise<{ conversation: StoredConversation | null; userTeamsId: string | null }> {
    if (!target.startsWith('user:')) return { conversation: await getConversation(this.deps.db, target), userTeamsId: null };
    const chat = await personalChatFor(this.deps.db, target.slice(5));
    if (!chat) throw new Unreachable('user has no Teams account known to the bot');
    return { conversation: chat.conversation, userTeamsId: chat.teamsId };
  }

  private async deliver(m: ClaimedMessage): Promise<void> {
    const { db, logger, clock } = this.deps;
    let conversationId = m.conversationId;
    try {
      const { conversation, userTeamsId } = await this.resolveTarget(m.conversationId);
      if (conversation && !conversation.active) throw new Unreachable('conversation inactive');
      if (!conversation && !userTeamsId) throw new Unreachable('conversation unknown');
      // Checked again before each send: the reference may predate the allow-list or have been edited.
      if (conversation && !isTrustedServiceUrl(this.deps.serviceUrlAllowlist, conversation.reference.serviceUrl)) {
        const origin = originOf(conversation.reference.serviceUrl);
        await markFailed(db, m.id, this.worker, {
          status: 'dead',
          error: `not sent: service URL ${origin} is not in SERVICE_URL_ALLOWLIST`,
        });
        logger.warn(
          { outboxId: m.id, conversationId: conversation.id, serviceUrlOrigin: origin },
          'outbox message not sent: the stored service URL is not trusted',
        );
        return;
      }
      const rendered = await this.deps.renderer.render(m.payload, {
        conversationId: conversation?.id ?? m.conversationId,
        personal: Boolean(userTeamsId) || conversation?.conversationType === 'personal',
      });
      if (rendered.kind === 'skip') {
        await markFailed(db, m.id, this.worker, { status: 'skipped', error: rendered.reason });
        return;
      }
      const tenantId = conversation?.tenantId ?? null;
      // Paced by the outbox target: a person's messages share one budget, the first included
      // (it creates their personal chat, whose id is not known before).
      const throttled = (this.throttledUntil.get(m.conversationId) ?? 0) - clock().getTime();
      if (throttled <= 0) this.throttledUntil.delete(m.conversationId);
      const paced = Math.max(throttled, this.deps.pacer.conversationWaitMs(m.conversationId));
      if (paced > DEFER_AFTER_MS) {
        await deferClaimed(db, m.id, this.worker, new Date(clock().getTime() + paced));
        this.deferredUntil = Math.min(this.deferredUntil, clock().getTime() + paced);
        return;
      }
      const pace = (request: 'send' | 'create') => this.deps.pacer.acquire(request === 'send' ? m.conversationId : null, tenantId);
      let activityId: string | null;
      if (conversation) {
        conversationId = conversation.id;
        activityId = await sendTo(this.teams, conversation.reference as Partial<ConversationReference>, rendered, pace);
      } else {
        const created = await createPersonalChat(this.teams, userTeamsId!, rendered, pace);
        conversationId = created.conversationId;
        activityId = created.activityId;
      }
      await this.recorder.record({ message: m, conversationId, activityId });
      logger.info({ outboxId: m.id, kind: m.payload.type, conversationId }, 'proactive message sent');
    } catch (e) {
      await this.failed(m, conversationId, e);
    }
  }

  private async failed(m: ClaimedMessage, conversationId: string, e: unknown): Promise<void> {
    const { db, logger, clock } = this.deps;
    if (e instanceof Throttled) {
      // Teams' Retry-After holds this conversation only: the message (and the ones behind it,
      // through the pacer) go back to the outbox until then, and the worker moves on.
      const waitMs = e.retryAfterSeconds * 1000;
      const until = clock().getTime() + waitMs;
      this.throttledUntil.set(m.conversationId, Math.max(until, this.throttledUntil.get(m.conversationId) ?? 0));
      await deferClaimed(db, m.id, this.worker, new Date(clock().getTime() + waitMs));
      this.deferredUntil = Math.min(this.deferredUntil, clock().getTime() + waitMs);
      logger.warn(
        { outboxId: m.id, conversationId, retryAfterSeconds: e.retryAfterSeconds },
        'outbox message throttled by Teams; deferred',
      );
      return;
    }
    const status = e instanceof Unreachable ? 403 : statusOf(e);
    const error = `${status ?? 'error'}: ${(e as Error).message}`.slice(0, 500);
    if (status === 403) {
      if (!(e instanceof Unreachable)) await markConversationInactive(db, conversationId, error);
      await db.transaction().execute(async (trx) => {
        await rerouteUnreachable(trx, m, this.deps.clock(), this.deps.reminders);
        await markFailed(trx, m.id, this.worker, { status: 'skipped', error });
      });
    } else if (m.attempts >= this.deps.maxAttempts || status === 400 || status === 404) {
      await markFailed(db, m.id, this.worker, { status: 'dead', error });
      logger.error({ outboxId: m.id, status, attempts: m.attempts }, 'outbox message given up');
    } else {
      const retryAt = new Date(clock().getTime() + retryDelayMs(m.attempts, retryAfterOf(e)));
      await markFailed(db, m.id, this.worker, { retryAt, error });
      logger.warn({ outboxId: m.id, status, attempts: m.attempts, retryAt }, 'outbox message will be retried');
    }
  }
}

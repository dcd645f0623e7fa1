import { CardFactory, MessageFactory, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { AdaptiveCard } from '../../cards/review.card.js';
import { recordAudit } from '../../db/audit/audit.service.js';
import { getConversation, markConversationInactive, recordCardPost } from '../../db/conversations/conversations.service.js';
import { claimDue, markFailed, markSent, type ClaimedMessage } from '../../db/outbox/outbox.service.js';
import type { Database } from '../../db/schema.js';
import type { Logger } from '../logger.js';

/** Renders the current review card of an occurrence, or null when it no longer exists. */
export type CardRenderer = (occurrenceId: string) => Promise<AdaptiveCard | null>;

export interface DispatcherDeps {
  db: Kysely<Database>;
  adapter: CloudAdapter;
  botAppId: string;
  renderCard: CardRenderer;
  clock: () => Date;
  logger: Logger;
  pollSeconds: number;
  maxAttempts: number;
  batchSize?: number;
}

/** Backoff between attempts: 2^n seconds up to an hour, or the connector's Retry-After when longer. */
export function retryDelayMs(attempts: number, retryAfterSeconds: number | null): number {
  const backoff = Math.min(3600, 2 ** Math.min(attempts, 12)) * 1000;
  return Math.max(backoff, (retryAfterSeconds ?? 0) * 1000);
}

function statusOf(e: unknown): number | null {
  const err = e as { statusCode?: number; status?: number; response?: { status?: number } };
  return err.statusCode ?? err.status ?? err.response?.status ?? null;
}

function retryAfterOf(e: unknown): number | null {
  const headers = (e as { response?: { headers?: { get?: (k: string) => string | undefined } } }).response?.headers;
  const v = headers?.get?.('retry-after');
  const n = v ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

/**
 * Sends queued proactive messages: claims due outbox rows (SKIP LOCKED, so replicas share the
 * work without doubling it), sends each through the Teams adapter, and records the outcome.
 * 403 marks the conversation inactive; other failures retry with backoff until maxAttempts.
 */
export class OutboxDispatcher {
  private readonly worker = `dispatcher:${randomUUID()}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: DispatcherDeps) {}

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

  /** Sweeps until nothing due is left; resolves when done. For jobs and tests. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
    await this.sweep();
  }

  /** Stops polling and waits for the sweep in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        while ((await this.sweep()) > 0 && !this.stopped);
      } catch (e) {
        this.deps.logger.error({ err: e }, 'outbox sweep failed');
      }
    } while (this.again && !this.stopped);
  }

  /** One claim-and-send round. @returns how many messages were claimed */
  async sweep(): Promise<number> {
    const { db, clock } = this.deps;
    const batch = await claimDue(db, this.worker, clock(), this.deps.batchSize ?? 20);
    for (const m of batch) await this.deliver(m);
    return batch.length;
  }

  private async deliver(m: ClaimedMessage): Promise<void> {
    const { db, logger, clock } = this.deps;
    const conversation = await getConversation(db, m.conversationId);
    if (!conversation || !conversation.active) {
      await markFailed(db, m.id, this.worker, { status: 'skipped', error: conversation ? 'conversation inactive' : 'conversation unknown' });
      return;
    }
    try {
      const activityId = await this.send(conversation.reference as Partial<ConversationReference>, m);
      await db.transaction().execute(async (trx) => {
        if (m.payload.type === 'review_card' && m.payload.mode === 'post' && activityId) {
          await recordCardPost(trx, m.payload.occurrenceId, m.conversationId, activityId);
          await recordAudit(trx, {
            actor: 'system:outbox',
            action: 'card.disclosed',
            entityType: 'occurrence',
            entityId: m.payload.occurrenceId,
            details: { conversationId: m.conversationId, reason: 'review channel', activityId },
          });
        }
        await markSent(trx, m.id, this.worker, clock(), activityId);
      });
      logger.debug({ outboxId: m.id, kind: m.payload.type }, 'outbox message sent');
    } catch (e) {
      const status = statusOf(e);
      const error = `${status ?? 'error'}: ${(e as Error).message}`.slice(0, 500);
      if (status === 403) {
        await markConversationInactive(db, m.conversationId, error);
        await markFailed(db, m.id, this.worker, { status: 'skipped', error });
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

  private async send(reference: Partial<ConversationReference>, m: ClaimedMessage): Promise<string | null> {
    let activityId: string | null = null;
    const payload = m.payload;
    let card: AdaptiveCard | null = null;
    if (payload.type === 'review_card') {
      card = await this.deps.renderCard(payload.occurrenceId);
      if (!card) throw Object.assign(new Error('occurrence no longer exists'), { statusCode: 404 });
    }
    await this.deps.adapter.continueConversationAsync(this.deps.botAppId, reference, async (ctx) => {
      if (payload.type === 'text') {
        activityId = (await ctx.sendActivity(payload.text))?.id ?? null;
      } else if (payload.mode === 'post') {
        activityId = (await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card))))?.id ?? null;
      } else {
        await ctx.updateActivity({ id: payload.activityId, type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
        activityId = payload.activityId;
      }
    });
    return activityId;
  }
}

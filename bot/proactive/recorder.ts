import type { Kysely } from 'kysely';
import { markSent, type ClaimedMessage } from '../../db/outbox/outbox.service.js';
import type { Database, Db } from '../../db/schema.js';
import type { Logger } from '../logger.js';

/** What a sent message leaves behind: its payload's records (posts, disclosures) and its row marked sent. */
export interface SentMessage {
  message: ClaimedMessage;
  conversationId: string;
  activityId: string | null;
}

interface Pending extends SentMessage {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Records sent messages in shared transactions (a group commit): while one transaction is being
 * written, the messages sent meanwhile wait for the next, which takes them all. A disclosure's
 * audit entry holds the audit chain's lock until its commit (migration 2026-11-29T01), so one
 * transaction per message would put every send behind the previous one's commit; one per group
 * holds it once. When a group's transaction fails, each of its messages is tried alone, so one
 * bad record does not leave the others unmarked (and sent again after their lease).
 */
export class SentRecorder {
  private queue: Pending[] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly worker: string,
    private readonly clock: () => Date,
    private readonly logger: Logger,
    private readonly afterSent: (trx: Db, m: SentMessage) => Promise<void>,
  ) {}

  /** Resolves once the message's records and its `sent` mark are committed; rejects with that failure. */
  record(sent: SentMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...sent, resolve, reject });
      this.writing ??= this.writeAll().finally(() => {
        this.writing = null;
      });
    });
  }

  private async writeAll(): Promise<void> {
    while (this.queue.length) {
      const group = this.queue;
      this.queue = [];
      try {
        await this.write(group);
        for (const p of group) p.resolve();
      } catch (e) {
        if (group.length === 1) {
          group[0]!.reject(e);
          continue;
        }
        this.logger.warn({ err: e, messages: group.length }, 'outbox: recording a group of sent messages failed; one by one');
        for (const p of group) await this.write([p]).then(p.resolve, p.reject);
      }
    }
  }

  private async write(group: readonly SentMessage[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const s of group) {
        await this.afterSent(trx, s);
        await markSent(trx, s.message.id, this.worker, this.clock(), s.activityId);
      }
    });
  }
}

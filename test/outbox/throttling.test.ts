import { describe, expect, it } from 'vitest';
import { enqueueMessages } from '../../db/outbox/outbox.service.js';
import { users } from '../actions/helpers.js';
import { bootHarness, channel, message, personal } from '../helpers/harness.js';
import { say } from '../helpers/teams.js';

/** The queued texts among what a conversation received (not the bot's replies to the setup). */
const texts = (calls: { body: Record<string, unknown> }[]) =>
  calls.map((c) => c.body.text).filter((t) => typeof t === 'string' && /^(channel|chat) (one|two)$/.test(t));

describe('a conversation Teams throttles (429 with Retry-After) waits alone', () => {
  it('an hour-long Retry-After on the review channel does not hold up a personal chat; the channel gets its messages afterwards, in order, once each', async () => {
    const h = await bootHarness();
    try {
      await h.send(message('subscribe'));
      await say(h, 'hello', users.holder);
      const chat = personal(users.holder).id;
      await enqueueMessages(
        h.db,
        [
          { dedupeKey: 'channel-1', conversationId: channel.id, payload: { type: 'text', text: 'channel one' } },
          { dedupeKey: 'channel-2', conversationId: channel.id, payload: { type: 'text', text: 'channel two' } },
          { dedupeKey: 'chat-1', conversationId: chat, payload: { type: 'text', text: 'chat one' } },
          { dedupeKey: 'chat-2', conversationId: chat, payload: { type: 'text', text: 'chat two' } },
        ],
        h.clock.now(),
      );
      h.connector.failNext(1, 429, { retryAfter: 3600, match: (c) => c.conversationId === channel.id && c.method === 'POST' });
      // botbuilder would wait out the hour itself (and drain() with it); the outbox hands the message back instead.
      await h.bot.dispatcher.drain();
      expect(texts(h.connector.posted(chat))).toEqual(['chat one', 'chat two']);
      expect(texts(h.connector.posted(channel.id))).toEqual([]);
      const waiting = await h.db
        .selectFrom('outbox')
        .select(['dedupe_key', 'status', 'attempts', 'next_attempt_at'])
        .where('conversation_id', '=', channel.id)
        .orderBy('dedupe_key')
        .execute();
      expect(waiting.map((r) => [r.dedupe_key, r.status, r.attempts])).toEqual([
        ['channel-1', 'pending', 0],
        ['channel-2', 'pending', 0],
      ]);
      for (const r of waiting) expect(new Date(r.next_attempt_at).getTime()).toBeGreaterThanOrEqual(h.clock.now().getTime() + 3600_000);

      h.clock.current = new Date(h.clock.now().getTime() + 3600_000);
      await h.bot.dispatcher.drain();
      expect(texts(h.connector.posted(channel.id))).toEqual(['channel one', 'channel two']);
      expect(texts(h.connector.posted(chat))).toEqual(['chat one', 'chat two']);
      const statuses = await h.db
        .selectFrom('outbox')
        .select('status')
        .where('dedupe_key', 'in', ['channel-1', 'channel-2', 'chat-1', 'chat-2'])
        .execute();
      expect(statuses.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    } finally {
      await h.close();
    }
  });
});

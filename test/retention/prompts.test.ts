import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootHarness, channel, executeInvoke, message, occurrence, type Harness } from '../helpers/harness.js';
import { knownUser, personalChatOf } from '../helpers/teams.js';
import { officer, prompts, reviewIdOf, supervisor, sweepAndSend } from '../schedule/helpers.js';
import { DAY, erasures, runJob } from './helpers.js';
import { enqueueMessages } from '../../db/outbox/outbox.service.js';

describe('retention: personal-chat prompts and idle personal chats', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
    await h.send(message('subscribe'));
  });
  afterEach(async () => {
    await h.close();
  });

  /** The OIC's referral review falls due, is prompted in their personal chat, and is answered Done there. */
  async function answeredPrompt() {
    await knownUser(h, officer);
    const res = await h.ingest(
      occurrence({
        flaggedAt: '2026-11-18T09:00:00+00:00', // referral due Fri 20 Nov 09:00, an hour before the clock
        allocatedAt: '2026-11-18T10:00:00+00:00',
        oic: { upn: officer.upn, name: officer.name },
        supervisor: { upn: supervisor.upn, name: supervisor.name },
      }),
    );
    const occurrenceId = res.body.results[0].id as string;
    await sweepAndSend(h);
    const chat = personalChatOf(h, officer.id)!;
    const [prompt] = prompts(h, 'Referral to victim support', chat);
    const reviewId = reviewIdOf(prompt!);
    const from = { id: officer.id, aadObjectId: officer.aadObjectId, name: officer.name };
    const answer = await h.send(
      executeInvoke(
        'prompt.done',
        { scheduledReviewId: reviewId, outcome: 'made', service: 'Victim Support', note: 'Referred' },
        prompt!.body.id ?? 'x',
        from,
        {
          id: chat,
          conversationType: 'personal',
          tenantId: 'tenant-1',
        },
      ),
    );
    expect(answer.status).toBe(200);
    await h.bot.dispatcher.drain();
    return { occurrenceId, reviewId, chat };
  }

  const promptRows = async (reviewId: string) => {
    const outbox = await h.db
      .selectFrom('outbox')
      .select(['conversation_id', 'kind'])
      .where(sql`payload ->> 'scheduledReviewId'`, '=', reviewId)
      .execute();
    const posts = await h.db.selectFrom('prompt_posts').select('conversation_id').where('scheduled_review_id', '=', reviewId).execute();
    return { outbox, posts: posts.map((p) => p.conversation_id) };
  };

  it("erases a completed review's prompt records in the personal chat after the period; channel copies and pending reviews stay; audited once", async () => {
    const { occurrenceId, reviewId, chat } = await answeredPrompt();
    const before = await promptRows(reviewId);
    const personalRows = before.outbox.filter((o) => o.conversation_id.startsWith('user:') || o.conversation_id === chat);
    expect(personalRows.length).toBeGreaterThanOrEqual(2); // the prompt, and its in-place update once answered
    expect(before.posts).toContain(chat);
    // the supervisor's two reviews, posted to the channel (unreachable) on one card listing them
    const pendingCopies = () =>
      h.db
        .selectFrom('outbox as b')
        .innerJoin('scheduled_reviews as r', (j) => j.on(sql`r.id::text`, '=', sql`b.payload ->> 'scheduledReviewId'`))
        .select(['b.dedupe_key'])
        .where('r.status', '=', 'pending')
        .where('b.conversation_id', '=', channel.id)
        .orderBy('b.dedupe_key')
        .execute();
    const pendingBefore = await pendingCopies();
    expect(pendingBefore).toHaveLength(2);

    h.clock.advance(89 * DAY);
    expect(await runJob(h)).toMatchObject({ personalChatPrompts: 0 });
    expect((await promptRows(reviewId)).posts).toContain(chat);

    h.clock.advance(2 * DAY);
    expect(await runJob(h)).toMatchObject({ personalChatPrompts: 1, personalChats: 0 }); // the chat was used within the period
    const after = await promptRows(reviewId);
    expect(after.posts).not.toContain(chat);
    expect(after.outbox.filter((o) => o.conversation_id.startsWith('user:') || o.conversation_id === chat)).toEqual([]);
    expect(after.outbox.filter((o) => o.conversation_id === channel.id)).toEqual(
      before.outbox.filter((o) => o.conversation_id === channel.id),
    );
    expect(await pendingCopies()).toEqual(pendingBefore);
    // the review itself (its answer and note) is the occurrence's and stays with it
    expect(await h.db.selectFrom('scheduled_reviews').select(['status', 'note']).where('id', '=', reviewId).executeTakeFirst()).toEqual({
      status: 'done',
      note: 'Referred',
    });
    expect(await erasures(h)).toEqual([
      {
        actor: 'job:retention',
        entityType: 'occurrence',
        entityId: occurrenceId,
        details: expect.objectContaining({
          recordType: 'personal_chat_prompt',
          scheduledReviewId: reviewId,
          periodDays: 90,
          setting: 'RETENTION_PROMPT_DAYS',
          erased: { promptPosts: 1, outboxMessages: personalRows.length },
        }),
      },
    ]);
    expect(await runJob(h)).toMatchObject({ personalChatPrompts: 0 });
    expect(await erasures(h)).toHaveLength(1);
  });

  it('erases an idle personal chat once nothing refers to it, never a channel; the next prompt opens the chat again', async () => {
    const { chat } = await answeredPrompt();
    // Years later (the chat's last activity is the database's own time, so go well past it).
    h.clock.advance(20 * 365 * DAY);
    const result = await runJob(h, { closedOccurrenceDays: 36_500 });
    expect(result).toMatchObject({ personalChatPrompts: 1, personalChats: 1 });
    const conversations = await h.db.selectFrom('conversations').select('id').execute();
    expect(conversations.map((c) => c.id)).toEqual([channel.id]);
    expect((await erasures(h)).filter((e) => e.entityType === 'conversation')).toEqual([
      {
        actor: 'job:retention',
        entityType: 'conversation',
        entityId: chat,
        details: expect.objectContaining({ recordType: 'personal_chat', periodDays: 90 }),
      },
    ]);
    expect(await runJob(h, { closedOccurrenceDays: 36_500 })).toMatchObject({ personalChatPrompts: 0, personalChats: 0 });

    // a new review for the officer reaches them: the bot opens the chat again
    const creations = h.connector.creations.length;
    await h.ingest(
      occurrence({
        flaggedAt: new Date(h.clock.current.getTime() - 50 * 3_600_000).toISOString(),
        oic: { upn: officer.upn, name: officer.name },
      }),
    );
    await sweepAndSend(h);
    expect(h.connector.creations.length).toBeGreaterThan(creations);
    const reopened = h.connector.creations.at(-1)!;
    expect(reopened.body.members?.[0]?.id).toBe(officer.id);
    expect(prompts(h, /scheduledReviewId/, reopened.id).length).toBeGreaterThan(0);
    expect(await h.db.selectFrom('conversations').select('id').where('conversation_type', '=', 'personal').execute()).toHaveLength(1);
  });

  it('keeps a personal chat with a message still queued for its user', async () => {
    await answeredPrompt();
    h.clock.advance(20 * 365 * DAY);
    const user = await h.db.selectFrom('users').select('id').where('teams_id', '=', officer.id).executeTakeFirstOrThrow();
    await enqueueMessages(
      h.db,
      [{ dedupeKey: 'test:queued', conversationId: `user:${user.id}`, payload: { type: 'text', text: 'queued' } }],
      h.clock.now(),
    );
    expect(await runJob(h, { closedOccurrenceDays: 36_500 })).toMatchObject({ personalChatPrompts: 1, personalChats: 0 });
    expect(await h.db.selectFrom('conversations').select('id').where('conversation_type', '=', 'personal').execute()).toHaveLength(1);
  });
});

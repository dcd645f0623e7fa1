import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit/audit.service.js';
import { bootHarness, occurrence, type Harness } from '../helpers/harness.js';
import { channel, executeInvoke, knownUser, message, people, personal, personalChatOf } from '../helpers/teams.js';
import { officer, prompts, reviewIdOf, supervisor, sweepAndSend } from './helpers.js';

const NOTE = 'Spoke to Mrs Example at 12 Sample Street';
const SUMMARY = 'Victim subjected to racist abuse';

describe('what prompts disclose, and where', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
    await h.send(message('subscribe'));
  });
  afterEach(async () => h.close());

  it('an answer given on a channel copy of a prompt updates it without the free-text note or the summary; the note is kept on the review', async () => {
    await knownUser(h, officer);
    // the supervisor is not in Teams: their overdue task review is prompted in the review channel
    await h.ingest(
      occurrence({
        flaggedAt: '2026-11-18T09:00:00+00:00',
        summary: SUMMARY,
        oic: { upn: officer.upn, name: officer.name },
        supervisor: { upn: supervisor.upn, name: supervisor.name },
      }),
    );
    await h.bot.dispatcher.drain();
    await sweepAndSend(h);
    const [inChannel] = prompts(h, 'could not be reached', channel.id);
    expect(inChannel).toBeDefined();
    const answer = await h.send(
      executeInvoke('prompt.done', { scheduledReviewId: reviewIdOf(inChannel!), note: NOTE }, inChannel!.body.id ?? 'x'),
    );
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body.value)).toContain('Done by Alex Wilber');
    await h.bot.dispatcher.drain();
    const channelText = [...h.connector.posted(channel.id), ...h.connector.updated(channel.id)]
      .map((c) => JSON.stringify(c.body))
      .join('\n');
    expect(channelText).toContain('Done by Alex Wilber'); // the copy was refreshed with the answer…
    expect(channelText).not.toContain(NOTE); // …but not with the note
    expect(channelText).not.toContain(SUMMARY);
    const row = await h.db
      .selectFrom('scheduled_reviews')
      .select(['note', 'status'])
      .where('id', '=', reviewIdOf(inChannel!))
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ note: NOTE, status: 'done' });
  });

  it('`my reviews` audits each prompt it shows as a disclosure', async () => {
    await knownUser(h, officer);
    const res = await h.ingest(occurrence({ flaggedAt: '2026-11-18T09:00:00+00:00', oic: { upn: officer.upn, name: officer.name } }));
    const occurrenceId = res.body.results[0].id as string;
    const before = (await listAudit(h.db, 'occurrence', occurrenceId)).filter((a) => a.action === 'prompt.disclosed').length;
    const from = { id: officer.id, aadObjectId: officer.aadObjectId, name: officer.name };
    await h.send(message('my reviews', from, personal(from)));
    const shown = h.connector.posted(personal(from).id).filter((c) => JSON.stringify(c.body).includes('scheduledReviewId'));
    expect(shown.length).toBeGreaterThan(0);
    const disclosed = (await listAudit(h.db, 'occurrence', occurrenceId)).filter((a) => a.action === 'prompt.disclosed');
    expect(disclosed.length - before).toBe(shown.length);
    expect(personalChatOf(h, people.coordinator.id)).toBeUndefined(); // nothing was sent anywhere else
  });
});

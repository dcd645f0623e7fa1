import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, channel, executeInvoke, message, occurrence, people, type Harness } from '../helpers/harness.js';
import { listAudit } from '../../db/audit/audit.service.js';
import { knownUser, personalChatOf } from '../helpers/teams.js';
import { officer, prompts, reviewIdOf, supervisor, sweepAndSend } from './helpers.js';

const HOUR = 3_600_000;
const REFERRAL = 'Referral to victim support';

describe('review prompts in chat', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
    await h.send(message('subscribe')); // the coordinator's review channel
  });
  afterEach(async () => {
    await h.close();
  });

  async function dueOccurrence(overrides: Record<string, unknown> = {}) {
    const occ = occurrence({
      flaggedAt: '2026-11-18T09:00:00+00:00', // Wed: referral due Fri 20 Nov 09:00, an hour before the test clock
      allocatedAt: '2026-11-18T10:00:00+00:00',
      oic: { upn: officer.upn, name: officer.name },
      supervisor: { upn: supervisor.upn, name: supervisor.name },
      ...overrides,
    });
    const res = await h.ingest(occ);
    expect(res.status).toBe(201);
    await h.bot.dispatcher.drain();
    return { occ, id: res.body.results[0].id as string };
  }

  it('prompts the OIC in a personal chat it creates, and the answer updates the review, the prompt and the review card', async () => {
    await knownUser(h, officer);
    await dueOccurrence();
    await sweepAndSend(h);
    const chat = personalChatOf(h, officer.id);
    expect(chat).toBeDefined();
    const [prompt] = prompts(h, REFERRAL, chat);
    expect(prompt).toBeDefined();
    const cardText = JSON.stringify(FakeConnector.card(prompt));
    expect(cardText).toContain('Review deadline reached');
    expect(cardText).toContain('overdue by 1 h');
    expect(cardText).toContain('Victim subjected to racist abuse'); // the summary, in a personal chat only
    // the supervisor is not known in Teams: their overdue reviews go to the review channel, marked so
    const unreachable = prompts(h, 'could not be reached', channel.id);
    expect(unreachable.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(FakeConnector.card(unreachable[0]))).not.toContain('Victim subjected to racist abuse');

    const id = reviewIdOf(prompt!);
    // Issue 12 item 3: the referral records made, declined or not eligible, and the service when made.
    const personal = { id: chat!, conversationType: 'personal', tenantId: 'tenant-1' };
    const officerFrom = { id: officer.id, aadObjectId: officer.aadObjectId, name: officer.name };
    const noService = await h.send(executeInvoke('prompt.done', { scheduledReviewId: id, outcome: 'made' }, 'x', officerFrom, personal));
    expect(JSON.stringify(noService.body.value)).toContain('Not saved: name the support service the referral went to');
    const answer = await h.send(
      executeInvoke(
        'prompt.done',
        { scheduledReviewId: id, outcome: 'made', service: 'Victim Support', note: 'Referred to Victim Support, accepted' },
        prompt!.body.id ?? 'x',
        { id: officer.id, aadObjectId: officer.aadObjectId, name: officer.name },
        { id: chat!, conversationType: 'personal', tenantId: 'tenant-1' },
      ),
    );
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body.value)).toContain('Done (Referral made: Victim Support) by PC Megan Bowen');
    const row = await h.db.selectFrom('scheduled_reviews').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'done', outcome: 'made', service: 'Victim Support', note: 'Referred to Victim Support, accepted' });
    await h.bot.dispatcher.drain();
    const cardUpdate = h.connector
      .updated(channel.id)
      .map((c) => JSON.stringify(FakeConnector.card(c)))
      .find((t) => t.includes(`✓ ${REFERRAL}`));
    expect(cardUpdate).toBeDefined();
    expect((await listAudit(h.db, 'occurrence', row.occurrence_id)).map((a) => a.action)).toContain('schedule.done');

    // a completed review stops every later step
    h.clock.advance(72 * HOUR);
    await sweepAndSend(h);
    await sweepAndSend(h);
    expect(prompts(h, REFERRAL)).toHaveLength(1);
  });

  it('victim contact needs its outcome; a user who is not the owner, a supervisor or a coordinator is refused', async () => {
    await knownUser(h, supervisor, { roles: ['supervisor'], districts: ['Leeds'], onRoster: true });
    await h.db
      .insertInto('users')
      .values({
        upn: 'someone@force.police.uk',
        name: 'Someone',
        roles: ['officer'],
        districts: [],
        on_roster: true,
        teams_id: null,
        aad_object_id: null,
      })
      .execute();
    await dueOccurrence();
    await sweepAndSend(h);
    const chat = personalChatOf(h, supervisor.id)!;
    // The supervisor's two reviews come on one card; its rows answer with the single prompt's verbs.
    expect(prompts(h, 'Supervisor contact with the victim', chat)).toHaveLength(1);
    const contactId = (
      await h.db.selectFrom('scheduled_reviews').select('id').where('kind', '=', 'victim_contact').executeTakeFirstOrThrow()
    ).id;
    const from = { id: supervisor.id, aadObjectId: supervisor.aadObjectId, name: supervisor.name };
    const conv = { id: chat, conversationType: 'personal', tenantId: 'tenant-1' };
    const noOutcome = await h.send(executeInvoke('prompt.done', { scheduledReviewId: contactId }, 'x', from, conv));
    expect(JSON.stringify(noOutcome.body.value)).toContain('choose contacted, could not contact or declined contact');
    const stranger = await h.send(
      executeInvoke('prompt.done', { scheduledReviewId: contactId, outcome: 'contacted' }, 'x', people.officer, conv),
    );
    expect(JSON.stringify(stranger.body.value)).toContain('only the person this review is addressed to can answer it');
    expect(JSON.stringify(stranger.body.value)).not.toContain('Victim subjected'); // a refusal shows no occurrence data
    const ok = await h.send(executeInvoke('prompt.done', { scheduledReviewId: contactId, outcome: 'could_not_contact' }, 'x', from, conv));
    expect(JSON.stringify(ok.body.value)).toContain('Done (Could not contact)');
  });

  it('a snoozed prompt comes back once when the snooze ends, and not before', async () => {
    await knownUser(h, officer);
    await dueOccurrence();
    await sweepAndSend(h);
    const chat = personalChatOf(h, officer.id)!;
    const id = reviewIdOf(prompts(h, REFERRAL, chat)[0]!);
    const res = await h.send(
      executeInvoke(
        'prompt.snooze',
        { scheduledReviewId: id, snooze: '1h' },
        'x',
        { id: officer.id, aadObjectId: officer.aadObjectId, name: officer.name },
        { id: chat, conversationType: 'personal' },
      ),
    );
    expect(JSON.stringify(res.body.value)).toContain('Snoozed until');
    h.clock.advance(30 * 60_000);
    await sweepAndSend(h);
    expect(prompts(h, 'Snoozed review is back', chat)).toHaveLength(0);
    h.clock.advance(31 * 60_000);
    await sweepAndSend(h);
    await sweepAndSend(h);
    const back = prompts(h, 'Snoozed review is back', chat).filter((c) => JSON.stringify(FakeConnector.card(c)).includes(REFERRAL));
    expect(back).toHaveLength(1);
  });

  it('escalates each step once: owner prompt, deadline chase, supervisor at 24h, review channel at 48h', async () => {
    await knownUser(h, officer);
    await knownUser(h, supervisor);
    // flagged now: the referral falls due in 2 working days (Tue 24 Nov 10:00)
    await dueOccurrence({ flaggedAt: '2026-11-20T10:00:00+00:00', allocatedAt: undefined });
    const due = new Date('2026-11-24T10:00:00Z').getTime();
    const steps: [number, string][] = [
      [due - 2 * HOUR, 'Review due'],
      [due, 'Review deadline reached'],
      [due + 24 * HOUR, 'Escalated: review overdue'],
      [due + 48 * HOUR, 'Escalated to the review channel'],
    ];
    for (const [at] of steps) {
      h.clock.current = new Date(at);
      await sweepAndSend(h);
      await sweepAndSend(h);
    }
    const officerChat = personalChatOf(h, officer.id)!;
    const supervisorChat = personalChatOf(h, supervisor.id)!;
    const referral = (where: string, heading: string) =>
      prompts(h, REFERRAL, where).filter((c) => JSON.stringify(FakeConnector.card(c)).includes(heading));
    expect(referral(officerChat, 'Review due ·')).toHaveLength(1);
    expect(referral(officerChat, 'Review deadline reached')).toHaveLength(1);
    expect(referral(supervisorChat, 'Escalated: review overdue')).toHaveLength(1);
    expect(referral(channel.id, 'Escalated to the review channel')).toHaveLength(1);
  });

  it('honours 429 Retry-After without losing or doubling the prompt', async () => {
    await knownUser(h, officer);
    await dueOccurrence();
    h.connector.failNext(4, 429, { retryAfter: 1, match: (c) => c.method === 'POST' && c.conversationId.startsWith('a:created') });
    await sweepAndSend(h);
    const chat = personalChatOf(h, officer.id)!;
    expect(prompts(h, REFERRAL, chat)).toHaveLength(0);
    const pending = await h.db.selectFrom('outbox').selectAll().where('status', '=', 'pending').execute();
    expect(pending.length).toBeGreaterThanOrEqual(1);
    expect(pending.every((p) => p.next_attempt_at.getTime() >= h.clock.now().getTime() + 1000)).toBe(true);
    h.clock.advance(10_000);
    await h.bot.dispatcher.drain();
    await h.bot.dispatcher.drain();
    expect(prompts(h, REFERRAL, chat)).toHaveLength(1);
  });

  it('403 from a personal chat marks it inactive and re-routes the prompt to the review channel', async () => {
    await knownUser(h, officer);
    const personalConv = { id: 'a:officer-chat', conversationType: 'personal', tenantId: 'tenant-1' };
    await h.send(message('help', { id: officer.id, aadObjectId: officer.aadObjectId, name: officer.name }, personalConv));
    await dueOccurrence();
    h.connector.failNext(1, 403, { match: (c) => c.conversationId === personalConv.id && c.method === 'POST' });
    await sweepAndSend(h);
    await h.bot.dispatcher.drain();
    const conv = await h.db.selectFrom('conversations').selectAll().where('id', '=', personalConv.id).executeTakeFirstOrThrow();
    expect(conv.active).toBe(false);
    const rerouted = prompts(h, REFERRAL, channel.id).filter((c) => JSON.stringify(FakeConnector.card(c)).includes('could not be reached'));
    expect(rerouted).toHaveLength(1);
  });

  it('recomputes the schedule when the feed closes and reopens an occurrence, and audits it', async () => {
    const { occ, id } = await dueOccurrence();
    await h.ingest({ ...occ, status: 'closed', outcome: 'Charge/summons' });
    let rows = await h.db.selectFrom('scheduled_reviews').selectAll().where('occurrence_id', '=', id).execute();
    expect(rows.find((r) => r.kind === 'closure_call')?.status).toBe('pending');
    expect(rows.filter((r) => r.kind === 'monthly_review').every((r) => r.status === 'cancelled')).toBe(true);
    await h.ingest({ ...occ, status: 'open' });
    rows = await h.db.selectFrom('scheduled_reviews').selectAll().where('occurrence_id', '=', id).execute();
    expect(rows.find((r) => r.kind === 'closure_call')?.status).toBe('cancelled');
    expect(rows.some((r) => r.kind === 'monthly_review' && r.status === 'pending')).toBe(true);
    const actions = (await listAudit(h.db, 'occurrence', id)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['schedule.added', 'schedule.cancelled', 'schedule.reinstated']));
  });

  it('`my reviews` lists the user’s due and overdue reviews as answerable cards', async () => {
    await knownUser(h, officer);
    await dueOccurrence();
    const conv = { id: 'a:officer-chat', conversationType: 'personal', tenantId: 'tenant-1' };
    await h.send(message('my reviews', { id: officer.id, aadObjectId: officer.aadObjectId, name: officer.name }, conv));
    const posted = h.connector.posted(conv.id);
    expect(posted.some((c) => String(c.body.text).includes('You have 1 review due or overdue'))).toBe(true);
    expect(prompts(h, REFERRAL, conv.id)).toHaveLength(1);
  });
});

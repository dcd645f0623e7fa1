import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, channel, executeInvoke, message, occurrence, people, personal, type Harness } from '../helpers/harness.js';
import { listAudit } from '../../db/audit/audit.service.js';
import { ALL_YES } from '../helpers/teams.js';

const allYes = (extra: Record<string, string> = {}) => ({ ...ALL_YES, ...extra });

const textOf = (card: unknown) => JSON.stringify(card);

describe('review loop: flagged occurrence → card → review', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function subscribedChannelWithCard(overrides: Record<string, unknown> = {}) {
    const sub = await h.send(message('subscribe'));
    expect(sub.status).toBe(200);
    const occ = occurrence(overrides);
    const res = await h.ingest(occ);
    expect(res.status).toBe(201);
    await h.bot.dispatcher.drain();
    const post = h.connector.posted(channel.id).find((c) => FakeConnector.card(c));
    expect(post).toBeDefined();
    return { occ, id: res.body.results[0].id as string, activityId: (post!.body.id ?? 'unknown') as string, post: post! };
  }

  it('subscribe makes the channel a review channel and a new occurrence is posted there as a card without identities', async () => {
    const { occ, post } = await subscribedChannelWithCard();
    const reply = h.connector.posted(channel.id).find((c) => typeof c.body.text === 'string' && c.body.text.includes('review channel'));
    expect(reply?.body.text).toContain('every district');
    const card = FakeConnector.card(post)!;
    const text = textOf(card);
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.5');
    expect(text).toContain(occ.reference as string);
    expect(text).toContain('Racially or religiously aggravated harassment');
    expect(text).toContain('Fri 20 Nov 2026, 09:30 GMT');
    expect(text).toContain('PC 1234 Officer');
    // pseudonymous people and location refs, and the free-text summary, never reach the channel
    expect(text).not.toContain((occ.victims as { ref: string }[])[0]!.ref);
    expect(text).not.toContain((occ.suspects as { ref: string }[])[0]!.ref);
    expect(text).not.toContain('racist abuse in the street');
    expect(card.actions[0].type).toBe('Action.Execute');
    expect(card.actions[0].fallback.type).toBe('Action.Submit');
  });

  it('a district subscription receives only its district', async () => {
    // Bradford becomes a known district through an occurrence flagged before the backfill window (no card).
    await h.ingest(occurrence({ district: 'Bradford', flaggedAt: '2026-10-01T09:00:00+00:00' }));
    await h.send(message('subscribe Bradford'));
    await h.ingest(occurrence({ district: 'Leeds' }));
    await h.ingest(occurrence({ district: 'bradford' }));
    await h.bot.dispatcher.drain();
    const cards = h.connector.posted(channel.id).filter((c) => FakeConnector.card(c));
    expect(cards).toHaveLength(1);
    expect(textOf(FakeConnector.card(cards[0]))).toContain('bradford');
  });

  it('loading history does not flood the channel: only occurrences flagged within REVIEW_BACKFILL_DAYS get a card; older ones are still reviewable', async () => {
    await h.send(message('subscribe'));
    // the harness clock is 20 Nov 2026 10:00; the window is 7 days
    const old = occurrence({ flaggedAt: '2026-11-12T09:00:00+00:00' });
    const recent = occurrence({ flaggedAt: '2026-11-14T09:00:00+00:00' });
    expect((await h.ingest({ occurrences: [old, recent] })).status).toBe(201);
    await h.bot.dispatcher.drain();
    const cards = h.connector.posted(channel.id).filter((c) => FakeConnector.card(c));
    expect(cards.map((c) => textOf(FakeConnector.card(c)))).toEqual([expect.stringContaining(recent.reference as string)]);
    await h.send(message(`review ${old.reference as string}`, people.coordinator, personal(people.coordinator)));
    const shown = h.connector.posted(personal(people.coordinator).id).filter((c) => FakeConnector.card(c));
    expect(textOf(FakeConnector.card(shown.at(-1)!))).toContain(old.reference as string);
  });

  it('submitting a high-risk review saves it, answers the submitter and updates the posted card for everyone', async () => {
    const { id, post } = await subscribedChannelWithCard({ suspects: [{ ref: 'P-REPEAT' }] });
    // a second occurrence with the same suspect makes the suspect a repeat
    await h.ingest(occurrence({ suspects: [{ ref: 'P-REPEAT' }], flaggedAt: '2026-06-01T10:00:00+01:00' }));
    const activityId = post.body.id ?? (await h.db.selectFrom('card_posts').select('activity_id').executeTakeFirstOrThrow()).activity_id;
    const res = await h.send(
      executeInvoke(
        'review.submit',
        {
          occurrenceId: id,
          expectedVersion: 0,
          ...allYes({
            item_victims_code: 'no',
            note_victims_code: 'VPS not offered: OIC to offer by Friday',
            riskGrade: 'high',
            riskRationale: 'Repeat suspect, escalating',
          }),
        },
        activityId,
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body.statusCode).toBe(200);
    const card = res.body.value;
    const text = textOf(card);
    expect(text).toContain('Risk grade: HIGH');
    expect(text).toContain('Reviewed by Alex Wilber');
    expect(text).toContain('VPS not offered: OIC to offer by Friday');
    expect(text).toContain('the coordinator keeps the task');
    expect(text).toContain('MARAC');
    expect(text).toContain('Problem Solving Occurrence');
    await h.bot.dispatcher.drain();
    const updates = h.connector.updated(channel.id);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(textOf(FakeConnector.card(updates.at(-1)))).toContain('Risk grade: HIGH');
    const audit = await listAudit(h.db, 'occurrence', id);
    expect(audit.map((a) => a.action)).toContain('review.submitted');
  });

  it('medium risk without a rationale, or a "no" without a note, is refused on the card and nothing is saved', async () => {
    const { id } = await subscribedChannelWithCard();
    const res = await h.send(
      executeInvoke(
        'review.submit',
        { occurrenceId: id, expectedVersion: 0, ...allYes({ riskGrade: 'medium', item_rms_endorsed: 'no' }) },
        'x',
      ),
    );
    const text = textOf(res.body.value);
    expect(text).toContain('was not saved');
    expect(text).toContain('a medium risk grade needs a rationale');
    expect(text).toContain('answered no');
    const reviews = await h.db.selectFrom('reviews').selectAll().execute();
    expect(reviews).toHaveLength(0);
  });

  it('one rule judges the answers: a missing risk grade, a tampered answer and a "no" without a note are all listed at once, with the answers kept', async () => {
    const { id } = await subscribedChannelWithCard();
    const res = await h.send(
      executeInvoke(
        'review.submit',
        {
          occurrenceId: id,
          expectedVersion: 0,
          ...allYes({ riskGrade: '', item_flag_strands: 'maybe', item_rms_endorsed: 'no', riskRationale: 'my own words' }),
        },
        'x',
      ),
    );
    const text = textOf(res.body.value);
    expect(text).toContain('The review was not saved');
    expect(text).toContain('Risk grade: choose standard, medium or high');
    expect(text).toContain('Item 1: \\"maybe\\" is not an answer');
    expect(text).toContain('Item 8: \\"RMS endorsed');
    expect(text).toContain('my own words'); // the user's answers come back in the form
    expect(await h.db.selectFrom('reviews').selectAll().execute()).toHaveLength(0);
  });

  it('tampered values (unknown answer, unknown item, bad grade, missing occurrence) write nothing', async () => {
    const { id } = await subscribedChannelWithCard();
    const bad = await h.send(
      executeInvoke(
        'review.submit',
        { occurrenceId: id, expectedVersion: 0, ...allYes({ item_flag_strands: 'maybe', item_bogus: 'yes', riskGrade: 'extreme' }) },
        'x',
      ),
    );
    const text = textOf(bad.body.value);
    expect(text).toContain('not an answer');
    expect(text).toContain('is not an item of the current checklist');
    expect(text).toContain('is not a risk grade');
    const missing = await h.send(executeInvoke('review.submit', { expectedVersion: 0, ...allYes() }, 'x'));
    expect(missing.body.value).toMatch(/does not name a valid occurrence/);
    expect(await h.db.selectFrom('reviews').selectAll().execute()).toHaveLength(0);
  });

  it('a stale card never overwrites: the user sees the current review with their answers kept, and can re-grade', async () => {
    const { id } = await subscribedChannelWithCard();
    const first = await h.send(executeInvoke('review.submit', { occurrenceId: id, expectedVersion: 0, ...allYes() }, 'x'));
    expect(textOf(first.body.value)).toContain('Risk grade: STANDARD');
    const stale = await h.send(
      executeInvoke(
        'review.submit',
        { occurrenceId: id, expectedVersion: 0, ...allYes({ riskGrade: 'high', riskRationale: 'my view' }) },
        'x',
        people.officer,
      ),
    );
    const text = textOf(stale.body.value);
    expect(text).toContain('saved a review first');
    expect(text).toContain('Risk grade: STANDARD');
    expect(text).toContain('my view'); // their answers are kept in the form
    const regrade = await h.send(
      executeInvoke(
        'review.submit',
        { occurrenceId: id, expectedVersion: 1, ...allYes({ riskGrade: 'high', riskRationale: 'my view' }) },
        'x',
        people.officer,
      ),
    );
    expect(textOf(regrade.body.value)).toContain('Risk grade: HIGH');
    expect(textOf(regrade.body.value)).toContain('re-grade 1');
    const actions = (await listAudit(h.db, 'occurrence', id)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['review.submitted', 'review.stale_rejected', 'review.regraded']));
  });

  it('concurrent submits on one card: exactly one wins, the other is told and its answers are audited', async () => {
    const { id } = await subscribedChannelWithCard();
    const submits = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        h.send(
          executeInvoke(
            'review.submit',
            { occurrenceId: id, expectedVersion: 0, ...allYes({ riskGrade: 'medium', riskRationale: `view ${i}` }) },
            'x',
          ),
        ),
      ),
    );
    const saved = submits.filter((s) => !textOf(s.body.value).includes('saved a review first'));
    expect(saved).toHaveLength(1);
    const reviews = await h.db.selectFrom('reviews').selectAll().execute();
    expect(reviews).toHaveLength(1);
    const stale = (await listAudit(h.db, 'occurrence', id)).filter((a) => a.action === 'review.stale_rejected');
    expect(stale).toHaveLength(5);
  });

  it('review <reference> posts the current card in the conversation; unknown references are answered', async () => {
    const { occ, id } = await subscribedChannelWithCard();
    await h.send(executeInvoke('review.submit', { occurrenceId: id, expectedVersion: 0, ...allYes() }, 'x'));
    const conv = personal(people.coordinator);
    await h.send(message(`review ${occ.reference}`, people.coordinator, conv));
    const card = FakeConnector.card(h.connector.posted(conv.id).at(-1));
    expect(textOf(card)).toContain('Risk grade: STANDARD');
    await h.send(message('review 99/999999/99', people.coordinator, conv));
    expect(h.connector.posted(conv.id).at(-1)?.body.text).toContain('No occurrence with reference 99/999999/99');
    await h.send(message('frobnicate', people.coordinator, conv));
    expect(h.connector.posted(conv.id).at(-1)?.body.text).toContain('subscribe');
  });

  it('the Action.Submit fallback saves the review and replaces the card', async () => {
    const { id, activityId } = await subscribedChannelWithCard();
    await h.send({
      ...message(''),
      text: undefined,
      replyToId: activityId,
      value: { verb: 'review.submit', occurrenceId: id, expectedVersion: 0, ...allYes() },
    });
    const update = h.connector.updated(channel.id).at(-1);
    expect(textOf(FakeConnector.card(update))).toContain('Risk grade: STANDARD');
    expect(await h.db.selectFrom('reviews').selectAll().execute()).toHaveLength(1);
  });

  it('unsubscribe stops the cards', async () => {
    await h.send(message('subscribe'));
    await h.send(message('unsubscribe'));
    await h.ingest(occurrence());
    await h.bot.dispatcher.drain();
    expect(h.connector.posted(channel.id).filter((c) => FakeConnector.card(c))).toHaveLength(0);
  });
});

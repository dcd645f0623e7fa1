import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEAMS_CARD_LIMIT } from '../../cards/format.js';
import { listAudit } from '../../db/audit/audit.service.js';
import { forgetKnownUsers } from '../../db/users/users.service.js';
import { cardChars, cardHeight, SCREEN, visibleInputs } from '../cards/card-measure.js';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, channel, executeInvoke, message, occurrence, type Harness } from '../helpers/harness.js';
import { ALL_YES, knownUser, people, personal } from '../helpers/teams.js';

/** Issue 12 item 8: cards that fit, the form only for those allowed to submit, every note and grade, repeat refs by need to know. */
const coordinator = { ...people.coordinator, upn: 'hcc.leeds@force.police.uk' };
/** The occurrence's OIC: may see it, may not submit the HCC review. */
const oic = { ...people.officer, upn: 'pc.officer@force.police.uk' };
const deputy = { id: '29:deputy', aadObjectId: 'aad-deputy', name: 'Jo Deputy', upn: 'hcc.deputy@force.police.uk' };

type Card = Record<string, any>;
const text = (c: unknown) => JSON.stringify(c);
const buttons = (c: Card) => ((c.actions ?? []) as Card[]).map((a) => a.title as string);

describe('the review card fits and gives the form only to those allowed to submit (issue 12 item 8)', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  /** Leeds coordinators and the OIC on the roster; the channel subscribed; one occurrence posted there. */
  async function posted(overrides: Record<string, unknown> = {}, env: Record<string, string> = {}) {
    h = await bootHarness(env);
    await knownUser(h, coordinator, { roles: ['coordinator'], districts: ['Leeds'], onRoster: true });
    await knownUser(h, deputy, { roles: ['coordinator'], districts: ['Leeds'], onRoster: true });
    await knownUser(h, oic, { roles: ['officer'], districts: ['Leeds'], onRoster: true });
    await h.send(message('subscribe', coordinator));
    const occ = occurrence(overrides);
    const res = await h.ingest(occ);
    expect(res.status).toBe(201);
    await h.bot.dispatcher.drain();
    const post = h.connector.posted(channel.id).find((c) => FakeConnector.card(c));
    return { occ, id: res.body.results[0].id as string, card: FakeConnector.card(post) as Card };
  }

  const open = async (id: string, who: typeof coordinator) =>
    (await h.send(executeInvoke('review.open', { occurrenceId: id }, 'card-1', who))).body.value as Card | string;

  it('the channel card is read-only and short; Review gives a coordinator the compact form, within two screens', async () => {
    const { id, card } = await posted();
    // Before: every viewer got the form, 8 drop-downs and 8 note boxes, about 2,100 px by this estimate.
    expect(visibleInputs(card)).toBe(0);
    expect(cardHeight(card)).toBeLessThanOrEqual(SCREEN);
    expect(card.actions[0]).toMatchObject({ type: 'Action.Execute', title: 'Review', verb: 'review.open', data: { occurrenceId: id } });
    expect(text(card)).toContain('awaiting HCC review by a coordinator');

    const form = (await open(id, coordinator)) as Card;
    expect(buttons(form)).toContain('Submit review');
    // 8 answers, the risk grade and the rationale; no note box until one is needed
    expect(visibleInputs(form)).toBe(10);
    expect(text(form).match(/"id":"note_[a-z_0-9]+","isVisible":false/g)).toHaveLength(8);
    expect(cardHeight(form)).toBeLessThanOrEqual(2 * SCREEN);
    expect(cardChars(form)).toBeLessThanOrEqual(TEAMS_CARD_LIMIT);
    const audits = (await listAudit(h.db, 'occurrence', id)).filter((a) => a.action === 'card.disclosed');
    expect(audits.map((a) => (a.details as { reason: string }).reason)).toContain('review button');

    // A "no" sent without its note comes back with that item's note box open.
    const refused = await h.send(
      executeInvoke('review.submit', { occurrenceId: id, expectedVersion: 0, ...ALL_YES, item_rms_endorsed: 'no' }, 'card-1', coordinator),
    );
    expect(text(refused.body.value)).toContain('"id":"note_rms_endorsed","isVisible":true');
    expect(visibleInputs(refused.body.value)).toBe(11);
  });

  it('someone who may see the occurrence but not submit gets the read-only card saying who can; nothing is written', async () => {
    const { id } = await posted();
    const card = (await open(id, oic)) as Card;
    expect(visibleInputs(card)).toBe(0);
    expect(buttons(card)).not.toContain('Submit review');
    expect(text(card)).toContain('You can see this card, but only a coordinator for Leeds can submit the HCC review');

    // In the personal chat: the form for a coordinator, the read-only card for the OIC.
    const reference = String((await h.db.selectFrom('occurrences').select('reference').executeTakeFirstOrThrow()).reference);
    await h.send(message(`review ${reference}`, coordinator, personal(coordinator)));
    expect(visibleInputs(FakeConnector.card(h.connector.posted(personal(coordinator).id).at(-1)) as Card)).toBe(10);
    await h.send(message(`review ${reference}`, oic, personal(oic)));
    const oicCard = FakeConnector.card(h.connector.posted(personal(oic).id).at(-1)) as Card;
    expect(visibleInputs(oicCard)).toBe(0);
    expect(text(oicCard)).toContain('only a coordinator for Leeds can submit');

    // Submitting anyway (a tampered card) is refused and audited; nothing is saved.
    const submit = await h.send(executeInvoke('review.submit', { occurrenceId: id, expectedVersion: 0, ...ALL_YES }, 'card-1', oic));
    expect(submit.body.value).toMatch(/^Sorry, only a coordinator for Leeds can submit the HCC review/);
    expect(await h.db.selectFrom('reviews').selectAll().execute()).toHaveLength(0);
    expect((await listAudit(h.db, 'occurrence', id)).map((a) => a.action)).toContain('access_refused');
  });

  it('the completed card shows the notes on yes and n/a items and every grade; Re-grade opens the form with them', async () => {
    const { id } = await posted();
    const first = await h.send(
      executeInvoke(
        'review.submit',
        {
          occurrenceId: id,
          expectedVersion: 0,
          ...ALL_YES,
          note_flag_strands: 'Race strand confirmed with the victim',
          note_partner_referrals: 'No partner needed: the victim declined',
        },
        'card-1',
        coordinator,
      ),
    );
    const saved = first.body.value as Card;
    expect(text(saved)).toContain('Race strand confirmed with the victim');
    expect(text(saved)).toContain('No partner needed: the victim declined');
    expect(visibleInputs(saved)).toBe(0);
    expect(buttons(saved)).toContain('Re-grade');

    h.clock.advance(3_600_000);
    const regrade = (await open(id, deputy)) as Card;
    expect(buttons(regrade)).toContain('Save re-grade');
    expect(text(regrade)).toContain('"id":"note_flag_strands","isVisible":true');
    const second = await h.send(
      executeInvoke(
        'review.submit',
        { occurrenceId: id, expectedVersion: 1, ...ALL_YES, riskGrade: 'high', riskRationale: 'Repeat abuse at the address' },
        'card-1',
        deputy,
      ),
    );
    const history = [
      'Review: Standard · Alex Wilber · Fri 20 Nov 2026, 10:00 GMT',
      'Re-grade 1: High · Jo Deputy · Fri 20 Nov 2026, 11:00 GMT',
    ];
    for (const line of history) expect(text(second.body.value)).toContain(line);
    // Every posted copy shows the same to everyone.
    await h.bot.dispatcher.drain();
    const channelCard = FakeConnector.card(h.connector.updated(channel.id).at(-1));
    for (const line of history) expect(text(channelCard)).toContain(line);
  });

  it('repeat indicators name the linked references only to a viewer allowed to see them, and never in the channel', async () => {
    h = await bootHarness();
    await knownUser(h, coordinator, { roles: ['coordinator'], districts: ['Leeds'], onRoster: true });
    await h.send(message('subscribe', coordinator));
    const leeds = occurrence({ suspects: [{ ref: 'P-REPEAT' }], flaggedAt: '2026-09-01T10:00:00+01:00' });
    const bradford = occurrence({ suspects: [{ ref: 'P-REPEAT' }], flaggedAt: '2026-08-01T10:00:00+01:00', district: 'Bradford' });
    await h.ingest({ occurrences: [leeds, bradford] });
    const res = await h.ingest(occurrence({ suspects: [{ ref: 'P-REPEAT' }] }));
    const id = res.body.results[0].id as string;
    await h.bot.dispatcher.drain();

    const channelCard = FakeConnector.card(h.connector.posted(channel.id).find((c) => FakeConnector.card(c)));
    expect(text(channelCard)).toContain('2 other occurrences – repeat');
    expect(text(channelCard)).not.toContain(String(leeds.reference));
    expect(text(channelCard)).not.toContain(String(bradford.reference));

    // A Leeds coordinator may see the Leeds occurrence, not the Bradford one.
    const mine = (await open(id, coordinator)) as Card;
    expect(text(mine)).toContain(`2 other occurrences – repeat: ${String(leeds.reference)} and 1 more`);
    expect(text(mine)).not.toContain(String(bradford.reference));

    // A force-wide coordinator may see both.
    await h.db
      .updateTable('users')
      .set({ districts: ['*'] })
      .where('upn', '=', coordinator.upn)
      .execute();
    forgetKnownUsers(); // as a roster import does
    const all = (await open(id, coordinator)) as Card;
    expect(text(all)).toContain(`2 other occurrences – repeat: ${String(leeds.reference)}, ${String(bradford.reference)}`);
  });

  it("a force's 30-item checklist: the form stays within Teams' message size, with one Notes button instead of one per row", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'hcc-checklist-')), 'checklist.json');
    const items = Array.from({ length: 30 }, (_, i) => ({ key: `local_item_${i + 1}`, label: `Local check ${i + 1}: ${'x'.repeat(90)}` }));
    writeFileSync(file, JSON.stringify(items));
    const { id } = await posted({}, { CHECKLIST_FILE: file });
    const form = (await open(id, coordinator)) as Card;
    expect(visibleInputs(form)).toBe(32);
    expect(cardChars(form)).toBeLessThanOrEqual(TEAMS_CARD_LIMIT);
    expect(text(form)).not.toContain('"title":"Note",');
    expect(text(form)).toMatch(/"title":"Notes","targetElements":\["note_local_item_1",/);
  });
});

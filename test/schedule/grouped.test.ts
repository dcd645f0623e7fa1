import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEAMS_CARD_LIMIT } from '../../cards/format.js';
import { FakeConnector, type ConnectorCall } from '../helpers/fake-connector.js';
import { bootHarness, channel, executeInvoke, message, occurrence, type Harness } from '../helpers/harness.js';
import { knownUser, personalChatOf } from '../helpers/teams.js';
import { officer, prompts, sweepAndSend } from './helpers.js';

const HOUR = 3_600_000;
const REFERRAL = 'Referral to victim support';
const cardText = (c: ConnectorCall | undefined) => JSON.stringify(FakeConnector.card(c) ?? null);
const from = { id: officer.id, aadObjectId: officer.aadObjectId, name: officer.name };

/** The data of the `verb` button on row `row` of a card listing several prompts. */
function rowButton(card: unknown, verb: string, row: number): Record<string, unknown> {
  const found = JSON.stringify(card).match(new RegExp(`"verb":"${verb.replace('.', '\\.')}","data":(\\{[^}]*"row":${row}\\})`));
  if (!found) throw new Error(`no ${verb} button for row ${row}`);
  return JSON.parse(found[1]!) as Record<string, unknown>;
}

describe('several prompts due together: one card per recipient (issue 13 item 2, issue 12 item 7)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
    await h.send(message('subscribe')); // the review channel
  });
  afterEach(async () => h.close());

  /** `n` occurrences flagged Wed 18 Nov 09:00: at the test clock (Fri 20 Nov 10:00) each referral is past its deadline. */
  async function ingest(n: number, oic: { upn: string; name: string } = officer): Promise<string[]> {
    const occs = Array.from({ length: n }, () =>
      occurrence({ flaggedAt: '2026-11-18T09:00:00+00:00', oic, supervisor: { upn: 'nobody@force.police.uk' } }),
    );
    const res = await h.ingest({ occurrences: occs });
    expect(res.status).toBe(201);
    await h.bot.dispatcher.drain(); // the review cards
    return occs.map((o) => String(o.reference));
  }

  it('three reviews due for one OIC arrive as ONE card listing them; one answer from it saves that review and refreshes the card', async () => {
    await knownUser(h, officer);
    const refs = await ingest(3);
    await sweepAndSend(h);
    const chat = personalChatOf(h, officer.id)!;
    const cards = prompts(h, /./, chat);
    expect(cards).toHaveLength(1);
    const text = cardText(cards[0]);
    expect(text).toContain('3 reviews past the deadline');
    for (const ref of refs) expect(text).toContain(ref);
    expect(text).not.toContain('Victim subjected to racist abuse'); // compact rows: no feed summary
    // one disclosure per review shown, audited
    const disclosed = await h.db.selectFrom('audit_log').select('details').where('action', '=', 'prompt.disclosed').execute();
    expect(disclosed.filter((d) => JSON.stringify(d.details).includes(chat))).toHaveLength(3);

    const answer = await h.send(
      executeInvoke(
        'prompt.done',
        {
          ...rowButton(FakeConnector.card(cards[0]), 'prompt.done', 1),
          outcome_1: 'made',
          service_1: 'Victim Support',
          note_1: 'Referred, accepted',
        },
        cards[0]!.body.id ?? 'x',
        from,
        { id: chat, conversationType: 'personal', tenantId: 'tenant-1' },
      ),
    );
    const after = JSON.stringify(answer.body.value);
    const second = [...text.matchAll(/"text":"([^"]+) · Crime · /g)].map((m) => m[1])[1];
    expect(after).toContain(`Saved on ${second}: done.`);
    const rowOf = (json: string, ref: string) => json.split('"separator":true').find((part) => part.includes(`"${ref} · Crime`));
    expect(rowOf(after, second!)).toContain('✓ Done (Referral made: Victim Support) by PC Megan Bowen');
    expect(after.match(/"verb":"prompt\.done","data"/g)).toHaveLength(2); // the other two still answerable
    const saved = await h.db
      .selectFrom('scheduled_reviews')
      .select(['status', 'outcome', 'service', 'note'])
      .where('status', '=', 'done')
      .execute();
    expect(saved).toEqual([{ status: 'done', outcome: 'made', service: 'Victim Support', note: 'Referred, accepted' }]);
  });

  it('one review due for a person keeps its single card, while the channel gets one card listing the rest', async () => {
    await knownUser(h, officer);
    await ingest(1);
    await ingest(1, { upn: 'unknown.oic@force.police.uk', name: 'PC Unknown' });
    await sweepAndSend(h);
    const chat = personalChatOf(h, officer.id)!;
    const mine = prompts(h, /./, chat);
    expect(mine).toHaveLength(1);
    expect(cardText(mine[0])).toContain('Review deadline reached ·'); // the single prompt card
    // the channel: both task reviews (supervisor unknown) and the unknown OIC's referral, on one card
    const inChannel = prompts(h, /./, channel.id);
    expect(inChannel).toHaveLength(1);
    expect(cardText(inChannel[0])).toContain('3 reviews past the deadline');
    expect(cardText(inChannel[0])).toContain('could not be reached in Teams');
  });

  it('escalations landing in one channel in one sweep arrive as one card; a second sweep or a stale replica queues nothing again', async () => {
    await ingest(3); // nobody known in Teams: everything goes to the channel
    await sweepAndSend(h); // the chases
    h.clock.current = new Date('2026-11-22T10:00:00Z'); // 49 hours past the referrals' deadline
    await sweepAndSend(h); // 24h: escalated (to nobody reachable, so the channel)
    await sweepAndSend(h); // 48h: escalated to the review channel
    const escalated = prompts(h, 'Escalated to the review channel: 6 reviews overdue', channel.id);
    expect(escalated).toHaveLength(1);
    expect(prompts(h, 'Escalated: 6 reviews overdue', channel.id)).toHaveLength(1);
    const before = h.connector.posted().length;
    await sweepAndSend(h);
    h.clock.advance(HOUR);
    await sweepAndSend(h);
    // A replica that swept from stale state (two referrals' steps set back): already listed, not sent again.
    await h.db
      .updateTable('scheduled_reviews')
      .set({ step: 3, next_step_at: h.clock.now() })
      .where('id', 'in', (eb) => eb.selectFrom('scheduled_reviews').select('id').where('kind', '=', 'victim_support_referral').limit(2))
      .execute();
    await sweepAndSend(h);
    expect(h.connector.posted().slice(before)).toEqual([]);
  });

  it('a card listing several prompts that the person’s chat refuses (403) goes to the review channel, marked unreachable', async () => {
    await knownUser(h, officer);
    const personalConv = { id: 'a:officer-chat', conversationType: 'personal', tenantId: 'tenant-1' };
    await h.send(message('help', from, personalConv));
    const refs = await ingest(2);
    h.connector.failNext(1, 403, { match: (c) => c.conversationId === personalConv.id && c.method === 'POST' });
    await sweepAndSend(h);
    await h.bot.dispatcher.drain();
    const rerouted = prompts(h, REFERRAL, channel.id);
    expect(rerouted).toHaveLength(1);
    const text = cardText(rerouted[0]);
    expect(text).toContain('2 reviews past the deadline');
    expect(text).toContain('For each of them the owner');
    for (const ref of refs) expect(text).toContain(ref);
  });

  it('40 reviews for one person: one card under the Teams size limit, paged, every page answerable', async () => {
    await knownUser(h, officer);
    await ingest(40);
    await sweepAndSend(h);
    const chat = personalChatOf(h, officer.id)!;
    const [card, ...more] = prompts(h, /./, chat);
    expect(more).toEqual([]);
    expect(JSON.stringify(card!.body).length).toBeLessThan(TEAMS_CARD_LIMIT);
    expect(cardText(card)).toContain('40 reviews past the deadline');
    expect(cardText(card)).toContain('Page 1 of 7');
    const next = JSON.parse(/"verb":"prompt\.batch_page","data":(\{[^}]*\})/.exec(cardText(card))![1]!) as Record<string, unknown>;
    const page2 = await h.send(
      executeInvoke('prompt.batch_page', next, 'x', from, { id: chat, conversationType: 'personal', tenantId: 'tenant-1' }),
    );
    const text = JSON.stringify(page2.body.value);
    expect(text).toContain('Page 2 of 7');
    expect(text.length).toBeLessThan(TEAMS_CARD_LIMIT);
    expect(rowButton(page2.body.value, 'prompt.na', 6)).toMatchObject({ page: 1, row: 6 });
  });

  it('rows the reader may not answer show no data', async () => {
    await knownUser(h, officer);
    const refs = await ingest(2);
    await sweepAndSend(h);
    const chat = personalChatOf(h, officer.id)!;
    const [card] = prompts(h, /./, chat);
    const page = JSON.stringify(rowButton(FakeConnector.card(card), 'prompt.done', 0));
    // Someone else opens the same list (a forwarded card): no occurrence on it is addressed to them.
    const stranger = { id: '29:someone', aadObjectId: 'aad-someone', name: 'Someone Else' };
    const res = await h.send(
      executeInvoke('prompt.batch_page', { ...JSON.parse(page), page: 0 }, 'x', stranger, {
        id: 'a:someone',
        conversationType: 'personal',
        tenantId: 'tenant-1',
      }),
    );
    const text = JSON.stringify(res.body.value);
    expect(text).toContain('A review you may not see');
    for (const ref of refs) expect(text).not.toContain(ref);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit/audit.service.js';
import { importPlan } from '../../db/actions/plan.service.js';
import { systemActor } from '../../db/access/access.policy.js';
import { importRoster } from '../../db/users/users.service.js';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, personal, type Harness } from '../helpers/harness.js';
import { say } from '../helpers/teams.js';
import { cardsTo, press, registerMembers, users } from './helpers.js';

const importer = systemActor('Plan import', 'system:test');
const HEADER = 'ref,objective,action,pillar,owner,contact,status,due,update';
const cardText = (c: unknown) => JSON.stringify(FakeConnector.card(c as never) ?? (c as { body?: unknown }).body);

/** Roster: Lee Gu (a partner) is a named contact of OCC; Megan Bowen is an officer with no agency. */
async function roster(h: Harness): Promise<void> {
  registerMembers(h);
  await importRoster(
    h.db,
    [
      'upn,name,roles,districts,agency',
      'alexw@example.com,Alex Wilber,coordinator,*,',
      'meganb@example.com,Megan Bowen,officer,Leeds,',
      'leeg@occ.example.gov.uk,Lee Gu,partner,Leeds,OCC',
    ].join('\n'),
    'test',
  );
  for (const u of [users.coordinator, users.holder, users.partner]) await say(h, 'hello', u); // known in Teams
}

describe('agencies, their contacts and one reminder card per person (issue 13)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
    await roster(h);
  });
  afterEach(async () => h.close());

  it('an OCC action goes to its roster contact, a partner, who may update it; someone else may not', async () => {
    await importPlan(
      h.db,
      `${HEADER}\n1.2 a,,Review the council's hate crime web pages,increasing_reporting,OCC,,in_progress,,\n`,
      importer,
      h.clock.now(),
    );
    const r = await say(h, 'action 1.2 a update Pages rewritten with the TruVision links', users.partner);
    expect(r.text).toContain('Update recorded on 1.2 a');
    const refused = await say(h, 'action 1.2 a update I should not be able to', users.holder);
    expect(refused.text).toContain('only the holder of 1.2 a or a coordinator');
    const texts = await h.db.selectFrom('action_updates').select('text').execute();
    expect(texts.map((t) => t.text)).toEqual(['Pages rewritten with the TruVision links']);
    expect((await say(h, 'actions mine', users.partner)).text).toContain('1.2 a');
  });

  it('scheduling the tactical meeting: one card per person listing all their actions, answerable there; one for the coordinator', async () => {
    const rows = [
      ...Array.from({ length: 9 }, (_, i) => `3.${i + 1} a,,Megan's action number ${i + 1},responding,meganb@example.com,,in_progress,,`),
      '1.2 a,,Council web pages,increasing_reporting,OCC,,in_progress,,',
      '1.2 b,,Council posters,increasing_reporting,TVP / OCC,,bau,,',
      '2.1 a,,Analysis of repeat victims,building_understanding,TVP,,not_started,,',
      '2.1 b,,Community tension monitoring,responding,Housing,,not_started,,',
    ];
    await importPlan(h.db, `${HEADER}\n${rows.join('\n')}\n`, importer, h.clock.now());
    const r = await say(h, 'meeting schedule tactical 27/11 10:00');
    expect(r.status).toBe(200);
    await h.bot.dispatcher.drain();

    const megan = cardsTo(h, users.holder);
    expect(megan).toHaveLength(1);
    const mine = cardText(megan[0]);
    expect(mine).toContain('Update needed on 9 actions');
    expect(mine).toContain('Page 1 of 2');
    expect(mine).toContain('Show more');
    const lee = cardsTo(h, users.partner);
    expect(lee).toHaveLength(1);
    expect(cardText(lee[0])).toContain('Update needed on 2 actions'); // 1.2 a (OCC) and 1.2 b (TVP / OCC)
    const coord = h.connector.posted(personal(users.coordinator).id).filter((c) => cardText(c).includes('Update requests sent'));
    expect(coord).toHaveLength(1);
    const report = cardText(coord[0]);
    expect(report).toContain('Megan Bowen: 3.1 a');
    expect(report).toContain('Lee Gu: 1.2 a, 1.2 b');
    expect(report).toContain('2 actions could not be delivered');
    expect(report).toContain('2.1 a');
    expect(report).toContain('Housing');

    // Answered from the card: the card is refreshed in place with the update marked.
    const idOf = (ref: string) => h.db.selectFrom('actions').select('id').where('ref', '=', ref).executeTakeFirstOrThrow();
    const batch = {
      kind: 'update_request',
      meetingId: (await h.db.selectFrom('meetings').select('id').executeTakeFirstOrThrow()).id,
      coordinator: false,
    };
    const saved = await press(
      h,
      'action.batch_update',
      { batch, page: 0, actionId: (await idOf('1.2 a')).id, field: 'u0', u0: 'Pages live' },
      users.partner,
    );
    expect(saved.text).toContain('Update saved on 1.2 a');
    expect(saved.text).toContain('✓ Updated');
    // The second page of Megan's card, and nobody else may use her card to update her actions.
    const page2 = await press(h, 'action.batch_page', { batch, page: 1 }, users.holder);
    expect(page2.text).toContain('Page 2 of 2');
    expect(page2.text).toContain('3.9 a');
    const notYours = await press(
      h,
      'action.batch_update',
      { batch, page: 0, actionId: (await idOf('3.1 a')).id, field: 'u0', u0: 'sneaky' },
      users.partner,
    );
    expect(notYours.text).toContain('only the holder of 3.1 a');

    // A second run the same day sends nothing more.
    h.connector.calls.length = 0;
    await say(h, 'meetings');
    await h.bot.dispatcher.drain();
    expect(cardsTo(h, users.holder)).toHaveLength(0);
  });

  it('re-assign: coordinator only, audited, the new contact gets the card and the old holder a note', async () => {
    await say(h, 'assign Publish the reporting centre list to meganb@example.com ref 1.1 a');
    await h.bot.dispatcher.drain();
    const refused = await say(h, 'action 1.1 a holder agency OCC', users.holder);
    expect(refused.text).toContain('only a coordinator can change the holder of 1.1 a');
    const r = await say(h, 'action 1.1 a holder agency OCC contact leeg@occ.example.gov.uk');
    expect(r.text).toContain('1.1 a is now held by OCC (contact: Lee Gu)');
    await h.bot.dispatcher.drain();
    expect(cardText(cardsTo(h, users.partner).at(-1))).toContain('New action for you · 1.1 a');
    const note = h.connector.posted().filter((c) => JSON.stringify(c.body).includes('is no longer yours'));
    expect(note).toHaveLength(1);
    const row = await h.db.selectFrom('actions').selectAll().where('ref', '=', '1.1 a').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ owner_kind: 'agency', owner_agency: 'OCC', owner_upn: 'leeg@occ.example.gov.uk' });
    expect((await listAudit(h.db, 'action', row.id)).map((a) => a.action)).toContain('action.holder_changed');
    // The export keeps the contact.
    const { exportPlan } = await import('../../db/actions/plan.service.js');
    const csv = (await exportPlan(h.db, importer, 'test')).csv;
    expect(csv).toContain('1.1 a,,Publish the reporting centre list,,OCC,leeg@occ.example.gov.uk,not_started,,');
  });
});

describe('full history and undated imports (issue 13 item 3)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
    registerMembers(h);
  });
  afterEach(async () => h.close());

  it('`action REF history` pages every update; an undated import is marked and re-importing changed text revises it', async () => {
    const plan = (update: string) =>
      `${HEADER}\n1.1 d,,Develop an annual schedule of media activities,increasing_reporting,TVP,,in_progress,,"${update}"\n`;
    await importPlan(h.db, plan('Schedule agreed with the comms team'), importer, h.clock.now());
    await importPlan(h.db, plan('Schedule agreed with the comms team and published'), importer, h.clock.now());
    const rows = await h.db.selectFrom('action_updates').select(['text', 'update_date', 'revised_at']).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ text: 'Schedule agreed with the comms team and published', update_date: null });
    for (let i = 1; i <= 14; i++) {
      h.clock.advance(60_000);
      await say(h, `action 1.1 d update Progress note ${i}`);
    }
    h.clock.advance(60_000);
    await say(h, 'action 1.1 d status completed');

    const first = await say(h, 'action 1.1 d history');
    expect(first.text).toContain('History · 1.1 d');
    expect(first.text).toContain('16 entries, newest first (page 1 of 2)');
    expect(first.text).toContain('Status: In progress → Completed');
    expect(first.text).not.toContain('undated (imported)');
    const id = (await h.db.selectFrom('actions').select('id').executeTakeFirstOrThrow()).id;
    const older = await press(h, 'action.history', { actionId: id, page: 1 });
    expect(older.text).toContain('page 2 of 2');
    expect(older.text).toContain('undated (imported)');
    expect(older.text).toContain('Progress note 1"');
    // The action card links to it.
    expect((await say(h, 'action 1.1 d')).text).toContain('"verb":"action.history"');
  });

  it('an undated imported update never counts as an update since the meeting: the nudge still goes', async () => {
    await say(h, 'hello', users.holder);
    await importPlan(
      h.db,
      `${HEADER}\n1.3 a,,Engage the IAG,responding,meganb@example.com,,bau,,Met the IAG chair\n`,
      importer,
      h.clock.now(),
    );
    await say(h, 'meeting schedule tactical 27/11 10:00');
    await h.bot.dispatcher.drain();
    h.clock.current = new Date('2026-11-25T09:00:00Z');
    const { remind } = await import('./helpers.js');
    await remind(h);
    const texts = cardsTo(h, users.holder).map(cardText);
    expect(texts.some((t) => t.includes('Reminder: 1 action still needs an update'))).toBe(true);
  });
});

describe('the actions list fits Teams (issue 13 item 5)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
    registerMembers(h);
  });
  afterEach(async () => h.close());

  it('40 actions: pillar headings in the national plan order, refs in order, paged, every card under the size limit', async () => {
    const pillars = [
      'investigation_quality',
      'prevention',
      'supporting_victims',
      'responding',
      'increasing_reporting',
      'building_understanding',
      '',
    ];
    const long = 'x'.repeat(900);
    const rows = Array.from(
      { length: 40 },
      (_, i) =>
        `${(i % 7) + 1}.${Math.floor(i / 7) + 1}${i === 3 ? '0' : ''} a,,Action ${i} ${long},${pillars[i % 7]},TVP,,in_progress,,"2026-11-1${i % 10}: ${'u'.repeat(3000)}"`,
    );
    await importPlan(h.db, `${HEADER}\n${rows.join('\n')}\n`, importer, h.clock.now());
    const { TEAMS_CARD_LIMIT } = await import('../../cards/format.js');
    const first = await say(h, 'actions');
    const card = FakeConnector.card(first.replies[0])!;
    expect(JSON.stringify(card).length).toBeLessThanOrEqual(TEAMS_CARD_LIMIT);
    expect(first.text).toContain('40 actions; 1-8 shown (page 1 of 5)');
    const headings = card.body.filter((b: any) => b.color === 'Accent').map((b: any) => b.text);
    expect(headings).toEqual(['1. Preventing hate crime', '2. Responding to hate crime in our communities']);
    let page = 0;
    const seen: string[] = [];
    let current: any = card;
    for (;;) {
      seen.push(...current.body.filter((b: any) => b.color === 'Accent').map((b: any) => b.text));
      const more = (current.actions ?? []).find((a: any) => a.title === 'Show more');
      if (!more) break;
      page++;
      const next = await press(h, 'actions.page', more.data);
      expect(JSON.stringify(next.value).length).toBeLessThanOrEqual(TEAMS_CARD_LIMIT);
      current = next.value;
    }
    expect(page).toBe(4);
    // Headings come in the national plan's order (a heading may repeat at the top of the next page).
    const order = [...new Set(seen)];
    expect(order).toEqual([
      '1. Preventing hate crime',
      '2. Responding to hate crime in our communities',
      '3. Increasing the reporting of hate crime',
      '4. Improving support for the victims of hate crime',
      '5. Building our understanding of hate crime',
      '6. Improve the quality of our investigations',
      'Not yet assigned to a pillar',
    ]);
  });
});

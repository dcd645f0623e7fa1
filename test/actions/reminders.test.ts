import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, personal, type Harness } from '../helpers/harness.js';
import { say } from '../helpers/teams.js';
import { cardsTo, press, registerMembers, remind, users, withRoster } from './helpers.js';

const at = (iso: string) => new Date(iso);
const headings = (h: Harness, u: typeof users.holder) =>
  cardsTo(h, u).map(
    (c) => JSON.stringify(FakeConnector.card(c)).match(/"text":"((?:New action|Update needed|Reminder:|Overdue)[^"]*)"/)?.[1],
  );
const coordChat = personal(users.coordinator).id;
const inCoordChat = (h: Harness, match: string) => h.connector.posted(coordChat).filter((c) => JSON.stringify(c.body).includes(match));

describe('reminders before the tactical meeting and overdue chases (injected clock)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
    registerMembers(h);
    await say(h, 'hello', users.holder); // Megan is known in Teams
    await say(h, 'assign Review hate crime web pages to meganb@example.com pillar reporting ref 1.2 a');
    await say(h, 'assign Remove offensive graffiti within one working day to Megan Bowen agency OCC ref 3.5 a');
    await say(h, 'assign Publish the TPRC list to meganb@example.com ref 1.2 b');
    await say(h, 'action 1.2 b status completed');
    await h.db
      .insertInto('actions')
      .values({
        ref: '3.1 b',
        text: 'Quarterly analysis of repeat victims',
        pillar: 'building_understanding',
        owner_kind: 'agency',
        owner_agency: 'TVP',
        owner_upn: null,
        owner_user_id: null,
        due_date: null,
        district: null,
        raised_at_meeting_id: null,
        created_by: null,
        objective: null,
      })
      .execute();
    await h.bot.dispatcher.drain();
  });
  afterEach(async () => h.close());

  it('7 days before: one card per holder listing their open actions; 2 days before: one nudge for those not updated; never twice', async () => {
    expect(headings(h, users.holder)).toEqual(['New action for you · 1.2 a', 'New action for you · 3.5 a', 'New action for you · 1.2 b']);
    // Scheduled 18 days ahead: nothing yet.
    expect((await say(h, 'meeting schedule tactical 8/12 10:00')).text).toContain('Tue 8 Dec 2026, 10:00 GMT');
    h.clock.current = at('2026-11-30T09:00:00Z');
    expect(await remind(h)).toBe(0);

    h.clock.current = at('2026-12-01T09:00:00Z'); // 7 days before
    expect(await remind(h)).toBe(2); // Megan's card and the coordinator's
    expect(headings(h, users.holder).slice(3)).toEqual(['Update needed on 2 actions']);
    // TVP has no named contact in Teams: the coordinator's one card says who was asked and lists it, in the chat where the meeting was set.
    const report = inCoordChat(h, 'Update requests sent');
    expect(report).toHaveLength(1);
    expect(JSON.stringify(report[0]!.body)).toContain('Megan Bowen: 1.2 a, 3.5 a');
    expect(JSON.stringify(report[0]!.body)).toContain('1 action could not be delivered');
    expect(JSON.stringify(report[0]!.body)).toContain('3.1 b');
    expect(await remind(h)).toBe(0);

    h.clock.current = at('2026-12-02T15:00:00Z');
    const prompt = cardsTo(h, users.holder).find((c) => JSON.stringify(c.body).includes('Update needed on 2 actions'))!;
    const batch = JSON.parse(/"data":(\{"batch":.*?"field":"u0"\})/.exec(JSON.stringify(FakeConnector.card(prompt)))![1]!);
    const saved = await press(h, 'action.batch_update', { ...batch, u0: 'Pages rewritten with the TruVision links' }, users.holder);
    expect(saved.text).toContain('Update saved on 1.2 a');

    h.clock.current = at('2026-12-05T09:00:00Z'); // 3 days before: no nudge yet
    expect(await remind(h)).toBe(0);
    h.clock.current = at('2026-12-06T09:00:00Z'); // 2 days before
    expect(await remind(h)).toBe(2);
    expect(headings(h, users.holder).slice(4)).toEqual(['Reminder: 1 action still needs an update']);
    expect(JSON.stringify(cardsTo(h, users.holder).at(-1)!.body)).toContain('3.5 a');
    expect(inCoordChat(h, 'Update reminders sent')).toHaveLength(1);
    h.clock.current = at('2026-12-07T09:00:00Z');
    expect(await remind(h)).toBe(0);
    const keys = (await h.db.selectFrom('outbox').select('dedupe_key').execute()).map((r) => r.dedupe_key);
    expect(keys.filter((k) => k.startsWith('meeting-update:'))).toHaveLength(2);
    expect(keys.filter((k) => k.startsWith('meeting-nudge:'))).toHaveLength(2);
  });

  it('a tactical meeting scheduled a week ahead prompts at once; the next monthly meeting prompts again a week before it', async () => {
    const r = await say(h, 'meeting schedule tactical 27/11 10:00');
    expect(r.text).toContain('Update requests went out now to 1 person (2 actions); 1 action has nobody to ask in Teams');
    await h.bot.dispatcher.drain();
    expect(headings(h, users.holder).slice(3)).toEqual(['Update needed on 2 actions']);
    // The day after the prompts, inside the nudge window, a nudge follows for those who have not updated.
    h.clock.current = at('2026-11-25T09:00:00Z');
    expect(await remind(h)).toBe(2);
    // After the meeting the monthly series continues: 27 Dec, prompts from 20 Dec.
    h.clock.current = at('2026-12-19T09:00:00Z');
    expect(await remind(h)).toBe(0);
    h.clock.current = at('2026-12-21T09:00:00Z');
    expect(await remind(h)).toBe(2);
    expect((await say(h, 'meetings')).text).toContain('Hate Crime Monthly Tactical Meeting: Sun 27 Dec 2026, 10:00 GMT (monthly)');
  });

  it('overdue actions are chased the day after the due date, then once a week, until done', async () => {
    await say(h, 'assign Clarify the allocation process to meganb@example.com ref 3.3 d due 23/11');
    await h.bot.dispatcher.drain();
    const chases = () => headings(h, users.holder).filter((x) => x?.startsWith('Overdue'));
    h.clock.current = at('2026-11-23T09:00:00Z');
    await remind(h);
    expect(chases()).toEqual([]);
    h.clock.current = at('2026-11-24T09:00:00Z');
    await remind(h);
    expect(chases()).toEqual(['Overdue: 1 action past the due date']);
    expect(JSON.stringify(cardsTo(h, users.holder).at(-1)!.body)).toContain('3.3 d');
    h.clock.current = at('2026-11-27T09:00:00Z');
    await remind(h);
    expect(chases()).toHaveLength(1);
    h.clock.current = at('2026-12-01T09:00:00Z');
    await remind(h);
    expect(chases()).toHaveLength(2);
    await say(h, 'action 3.3 d status completed', users.holder);
    h.clock.current = at('2026-12-08T09:00:00Z');
    await remind(h);
    expect(chases()).toHaveLength(2);
  });

  it('a holder whose chat refuses their reminder card (403): each coordinator gets a note naming them and the actions', async () => {
    await withRoster(h);
    await say(h, 'hello', users.coordinator); // the coordinator is known in Teams
    expect((await say(h, 'meeting schedule tactical 8/12 10:00')).text).toContain('Tue 8 Dec 2026, 10:00 GMT');
    const holderChat = personal(users.holder).id;
    h.connector.failNext(1, 403, { match: (c) => c.conversationId === holderChat && c.method === 'POST' });
    h.clock.current = at('2026-12-01T09:00:00Z');
    await remind(h);
    await h.bot.dispatcher.drain();
    expect(h.connector.posted(holderChat).filter((c) => JSON.stringify(c.body).includes('Update needed'))).toEqual([]);
    const notes = inCoordChat(h, 'Could not deliver the update request card to Megan Bowen');
    expect(notes).toHaveLength(1);
    expect(String(notes[0]!.body.text)).toContain('The actions it asked about: 1.2 a, 3.5 a.');
    await remind(h); // nothing more: the card and its note were queued once
    expect(inCoordChat(h, 'Could not deliver')).toHaveLength(1);
  });
});

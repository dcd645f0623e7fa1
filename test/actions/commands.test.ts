import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/audit/audit.service.js';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, message, people, type Harness } from '../helpers/harness.js';
import { say } from '../helpers/teams.js';
import { actionIdOf, cardsTo, counts, malformedCorpus, press, registerMembers, users, withRoster } from './helpers.js';

describe('delivery-plan commands in Teams (local mode: everyone is a coordinator)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
    registerMembers(h);
  });
  afterEach(async () => h.close());

  it('assign to yourself: the action card comes back, answerable inline, and the change is audited', async () => {
    const r = await say(h, 'assign Review the hate crime web pages to me pillar increasing reporting due 12/1');
    expect(r.text).toContain('Action **A1** assigned to you');
    expect(r.text).toContain('Tue 12 Jan 2027');
    expect(r.text).toContain('Increasing reporting');
    const card = FakeConnector.card(r.replies[0])!;
    const [update, status] = card.actions;
    expect(update.card.actions[0]).toMatchObject({ type: 'Action.Execute', verb: 'action.update', fallback: { type: 'Action.Submit' } });
    expect(status.card.actions[0].verb).toBe('action.status');
    const row = await h.db.selectFrom('actions').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ ref: 'A1', pillar: 'increasing_reporting', owner_kind: 'person', status: 'not_started' });
    expect((await listAudit(h.db, 'action', row.id)).map((a) => a.action)).toContain('action.assigned');
  });

  it('assign to an @mentioned colleague: they get the card in their personal chat and update it from there', async () => {
    h.connector.members.delete(users.holder.id);
    const text = 'assign Write to every school about reporting to <at>Megan Bowen</at> pillar prevention ref 1.4 c';
    const res = await h.send({
      ...message(text, people.coordinator, { id: 'a:personal-29:coord', conversationType: 'personal', tenantId: 'tenant-1' }),
      entities: [{ type: 'mention', text: '<at>Megan Bowen</at>', mentioned: { id: users.holder.id, name: 'Megan Bowen' } }],
    });
    expect(res.status).toBe(200);
    await h.bot.dispatcher.drain();
    const [posted] = cardsTo(h, users.holder);
    expect(JSON.stringify(FakeConnector.card(posted))).toContain('New action for you · 1.4 c');
    const id = actionIdOf(posted);
    const saved = await press(h, 'action.update', { actionId: id, updateText: 'Letters drafted; sending on Monday.' }, users.holder);
    expect(saved.text).toContain('Update saved');
    expect(saved.text).toContain('Megan Bowen: Letters drafted; sending on Monday.');
    const status = await press(h, 'action.status', { actionId: id, newStatus: 'in_progress' }, users.holder);
    expect(status.text).toContain('In progress');
    const history = await h.db.selectFrom('action_updates').select(['text', 'status_to', 'author_name']).orderBy('created_at').execute();
    expect(history).toEqual([
      { text: 'Letters drafted; sending on Monday.', status_to: null, author_name: 'Megan Bowen' },
      { text: null, status_to: 'in_progress', author_name: 'Megan Bowen' },
    ]);
  });

  it('a name matching several people lists the candidates and writes nothing', async () => {
    await h.db
      .insertInto('users')
      .values([
        { teams_id: null, aad_object_id: null, upn: 'megan.bowen@force.police.uk', name: 'Megan Bowen', roles: [], districts: [] },
        { teams_id: null, aad_object_id: null, upn: 'megan.smith@force.police.uk', name: 'Megan Smith', roles: [], districts: [] },
      ])
      .execute();
    const r = await say(h, 'assign Audit NFA decisions to Megan due friday');
    expect(r.text).toContain(
      '"Megan" matches 2 people: Megan Bowen (megan.bowen@force.police.uk), Megan Smith (megan.smith@force.police.uk)',
    );
    expect(r.text).toContain('Use `assign WHAT to @person');
    expect((await counts(h)).actions).toBe(0);
    const ok = await say(h, 'assign Audit NFA decisions to Megan Smith due friday');
    expect(ok.text).toContain('assigned to Megan Smith');
    expect(ok.text).toContain('not known in Teams yet');
  });

  it('the assign form: refused input keeps what was typed; a valid submit creates the action', async () => {
    const form = await say(h, 'assign');
    expect(JSON.stringify(FakeConnector.card(form.replies[0]))).toContain('Assign a delivery-plan action');
    const bad = await press(h, 'action.assign', {
      text: 'Publicise TPRC locations',
      holder: 'me',
      pillar: 'prevention',
      due: '2020-01-01',
    });
    expect(bad.text).toContain('Not assigned: due date: Wed 1 Jan 2020 is in the past');
    expect(bad.text).toContain('Publicise TPRC locations');
    expect((await counts(h)).actions).toBe(0);
    const good = await press(h, 'action.assign', {
      text: 'Publicise TPRC locations',
      holder: 'me',
      pillar: 'increasing_reporting',
      due: '2026-12-18',
      ref: '1.2 c',
      agency: 'OCC',
    });
    expect(good.text).toContain('Assigned 1.2 c to you');
    expect(good.text).toContain('OCC (contact: Alex Wilber)');
    expect(good.text).toContain('Fri 18 Dec 2026');
  });

  it('a taken ref and an unknown ref are answered and change nothing; the Playground user (coordinator and manager) may discharge', async () => {
    await say(h, 'assign First action here to me ref 2.1 a');
    const taken = await say(h, 'assign Second action here to me ref 2.1a');
    expect(taken.text).toContain('an action with ref 2.1 a already exists');
    const unknown = await say(h, 'action 9.9 z update Something happened');
    expect(unknown.text).toContain('No action has the ref 9.9 z. Type `actions` for the plan.');
    expect(await counts(h)).toMatchObject({ actions: 1, updates: 0 });
    const discharge = await say(h, 'action 2.1 a discharge');
    expect(discharge.text).toContain('2.1 a is discharged');
  });

  it('a generated corpus of malformed commands: no crash, nothing written, a helpful answer every time', async () => {
    await say(h, 'assign Baseline action to me ref 1.1 a');
    const before = await counts(h);
    const corpus = malformedCorpus(400, 7).filter((t) => !/^\s*(assign|action|actions|meetings?)\s*$/i.test(t));
    let answered = 0;
    for (const text of corpus) {
      const r = await say(h, text);
      expect(r.status, text).toBe(200);
      expect(r.text, text).not.toContain('something went wrong');
      expect(r.replies.length, text).toBeGreaterThan(0);
      if (/Use `|No action has the ref|Sorry|not quite right|Nothing was saved|I don't know/.test(r.text)) answered++;
    }
    expect(answered).toBe(corpus.length);
    const after = await counts(h);
    expect(after.meetings).toBe(before.meetings);
    expect(after.actions).toBe(before.actions);
  });
});

describe('role refusals (roster imported)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
    await withRoster(h);
    await say(h, 'assign Graffiti removed within one working day to leeg@occ.example.gov.uk agency OCC ref 3.5 a due friday');
    await say(h, 'hello', users.partner);
    await say(h, 'hello', users.holder);
  });
  afterEach(async () => h.close());

  it('only coordinators assign and schedule; partners see only their own actions', async () => {
    expect((await say(h, 'assign Something to do to me', users.holder)).text).toContain('only a coordinator can assign');
    expect((await say(h, 'meeting schedule tactical 1/12 10:00', users.partner)).text).toContain(
      'only a coordinator can schedule meetings',
    );
    expect((await say(h, 'actions', users.partner)).text).toContain('`actions mine` lists yours');
    const mine = await say(h, 'actions mine', users.partner);
    expect(mine.text).toContain('3.5 a');
    expect((await say(h, 'meeting pack', users.partner)).text).toContain('meeting packs are for coordinators and managers');
    expect((await counts(h)).meetings).toBe(0);
  });

  it('a refusal names the command to use instead, but the audited reason is the access rule alone', async () => {
    expect((await say(h, 'actions', users.partner)).text).toContain(
      'Sorry, the whole plan is for coordinators and managers; `actions mine` lists yours. Nothing was shown or changed.',
    );
    const refused = await h.db.selectFrom('audit_log').select('details').where('action', '=', 'access_refused').execute();
    expect(refused.map((r) => (r.details as { why: string }).why)).toEqual(['the whole plan is for coordinators and managers']);
  });

  it('the holder (agency contact) updates; someone else may not; the manager discharges', async () => {
    expect((await say(h, 'action 3.5 a update Cleared 4 sites on Cowley Road', users.holder)).text).toContain(
      'only the holder of 3.5 a or a coordinator can update it',
    );
    expect((await say(h, 'action 3.5 a update Cleared 4 sites on Cowley Road', users.partner)).text).toContain('Update recorded on 3.5 a');
    expect((await say(h, 'action 3.5 a status completed', users.partner)).text).toContain('3.5 a is now Completed');
    expect((await say(h, 'action 3.5 a discharge', users.partner)).text).toContain('only the tactical lead (a manager) can discharge');
    expect((await say(h, 'action 3.5 a discharge', users.manager)).text).toContain('3.5 a is discharged');
    expect((await say(h, 'action 3.5 a update More', users.partner)).text).toContain('has been discharged and is closed');
    const a = await h.db.selectFrom('actions').select('id').executeTakeFirstOrThrow();
    expect((await listAudit(h.db, 'action', a.id)).map((x) => x.action)).toEqual([
      'action.assigned',
      'action.updated',
      'action.status_changed',
      'action.discharged',
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeConnector, type ConnectorCall } from '../helpers/fake-connector.js';
import { bootHarness, people, type Harness } from '../helpers/harness.js';
import { knownUser, say } from '../helpers/teams.js';
import { documentLink, download, paragraphsOf } from '../documents/docx.js';
import { addOccurrence, addScheduled } from './helpers.js';

// Issue 13 item 6: figures people can trust at a glance. The harness clock is Fri 20 Nov 2026, 10:00 GMT.
const GO_LIVE = '2026-10-03T09:00:00Z';
const TASK = 'Supervisor task review: NCRS, VCC, victim-support referral (24h)';
const CONTACT = 'Supervisor contact with the victim (24h after allocation)';

const cardOf = (calls: ConnectorCall[]) => FakeConnector.card(calls.find((c) => FakeConnector.card(c)))!;

/** The section of a summary card whose heading starts with `title`: its facts, note and empty text. */
function section(card: any, title: string): { facts: { title: string; value: string }[]; texts: string[] } {
  const box = (card.body as any[]).find((b) => b.type === 'Container' && String(b.items?.[0]?.text ?? '').startsWith(title));
  expect(box, `section ${title}`).toBeDefined();
  const items = box.items as any[];
  return { facts: items.find((i) => i.type === 'FactSet')?.facts ?? [], texts: items.slice(1).flatMap((i) => (i.text ? [i.text] : [])) };
}

async function summary(h: Harness, text: string, from = people.coordinator) {
  const { status, replies } = await say(h, text, from);
  expect(status).toBe(200);
  return cardOf(replies);
}

/**
 * History loaded at go-live: an occurrence flagged in 2025 whose reviews (one due before go-live
 * this month) were never done; and one received live afterwards, reviewed on time, with one
 * review now overdue.
 */
async function historyAndLive(h: Harness): Promise<void> {
  const old = await addOccurrence(h.db, {
    strands: ['race'],
    flaggedAt: '2025-06-01T10:00:00Z',
    receivedAt: GO_LIVE,
    supervisor: 'ds.old@force.police.uk',
  });
  await addScheduled(h.db, old, 'task_review', '2025-06-02T10:00:00Z', 'pending');
  await addScheduled(h.db, old, 'coordinator_review', '2026-10-02T10:00:00Z', 'pending');
  await addScheduled(h.db, old, 'monthly_review', '2026-10-01T10:00:00Z', 'pending');
  const live = await addOccurrence(h.db, { strands: ['race'], flaggedAt: '2026-10-05T10:00:00Z', supervisor: 'ds.one@force.police.uk' });
  await addScheduled(h.db, live, 'task_review', '2026-10-06T10:00:00Z', 'done', '2026-10-06T09:00:00Z');
  await addScheduled(h.db, live, 'victim_contact', '2026-10-10T10:00:00Z', 'pending');
}

describe('review compliance with history loaded', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootHarness();
    await historyAndLive(h);
  });
  afterAll(async () => h.close());

  it('counts only reviews due since the bot went live, and says from when', async () => {
    const card = await summary(h, 'summary last month');
    const comp = section(card, 'Review compliance');
    // History's reviews due 1 and 2 Oct (before go-live on 3 Oct) are not counted as overdue, nor as 0% on time.
    expect(comp.facts).toEqual([
      { title: CONTACT, value: '0 on time · 0 late · 1 overdue open · 0% on time' },
      { title: TASK, value: '1 on time · 0 late · 0 overdue open · 100% on time' },
    ]);
    expect(comp.texts).toContain(
      'Reviews due since 3 Oct 2026, when the bot went live; reviews of history loaded then were never asked of anyone and are not counted.',
    );
    const overdue = section(card, 'Overdue reviews now, by owner');
    expect(card.body.find((b: any) => b.items?.[0]?.text?.startsWith('Overdue reviews now')).items[0].text).toBe(
      'Overdue reviews now, by owner (1)',
    );
    expect(overdue.facts).toEqual([{ title: 'DS One', value: '1' }]);
    const attention = JSON.stringify(card.body.find((b: any) => b.style === 'emphasis'));
    expect(attention).toContain('{"title":"Overdue reviews","value":"1"}');
  });

  it('the Word report says the same', async () => {
    const { replies } = await say(h, 'summary last month as document', people.coordinator);
    const p = paragraphsOf((await download(h, documentLink(replies))).body);
    expect(p).toContain(
      'Reviews due since 3 Oct 2026, when the bot went live; reviews of history loaded then were never asked of anyone and are not counted.',
    );
    expect(p).toContain('Reviews overdue now: 1.');
  });
});

describe('review compliance from COMPLIANCE_FROM', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootHarness({ COMPLIANCE_FROM: '2026-10-08' });
    await historyAndLive(h);
  });
  afterAll(async () => h.close());

  it('counts from the configured date (Europe/London midnight) and names it', async () => {
    const card = await summary(h, 'summary last month');
    const comp = section(card, 'Review compliance');
    expect(comp.facts).toEqual([{ title: CONTACT, value: '0 on time · 0 late · 1 overdue open · 0% on time' }]); // the 6 Oct task review is before
    expect(comp.texts).toContain('Reviews due since 8 Oct 2026, the date set for compliance to count from; earlier ones are not counted.');
  });
});

describe('sentences read right for 0 and 1', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootHarness();
  });
  afterAll(async () => h.close());

  it('no occurrences, then one with a single strand, then one of two with two strands', async () => {
    let card = await summary(h, 'summary');
    expect(section(card, 'By strand').texts).toContain(
      'An occurrence with more than one strand counts under each; there were no occurrences in the period.',
    );

    await addOccurrence(h.db, { strands: ['race'], flaggedAt: '2026-11-05T10:00:00Z' });
    card = await summary(h, 'summary');
    expect(section(card, 'By strand').texts).toContain(
      'No occurrence has two or more strands, so the strands add up to the distinct total (1).',
    );
    expect(JSON.stringify(card)).not.toContain('add up to more than');

    await addOccurrence(h.db, { strands: ['race', 'religion'], flaggedAt: '2026-11-06T10:00:00Z' });
    card = await summary(h, 'summary');
    expect(section(card, 'By strand').texts).toContain(
      'An occurrence with more than one strand counts under each: 1 of the 2 occurrences has two or more strands, so the strands add up to more than the distinct total.',
    );
  });
});

describe('hidden figures say why', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootHarness();
    for (let i = 0; i < 7; i++)
      await addOccurrence(h.db, { strands: ['race'], flaggedAt: `2026-10-0${i + 1}T10:00:00Z`, district: 'Leeds' });
    await addOccurrence(h.db, { strands: ['religion'], source: 'online', flaggedAt: '2026-10-20T10:00:00Z', district: 'Leeds' });
    const partner = { id: '29:partner', aadObjectId: 'aad-partner', name: 'Community Safety', upn: 'cs@council.gov.uk' };
    await knownUser(h, partner, { roles: ['partner'], districts: ['Leeds'], onRoster: true });
  });
  afterAll(async () => h.close());

  it('a partner sees why each "<5" and "hidden" figure is not given, and why the police-only sections are missing', async () => {
    const card = await summary(h, 'summary last month', { id: '29:partner', aadObjectId: 'aad-partner', name: 'Community Safety' });
    const source = section(card, 'By source');
    expect(source.facts).toContainEqual({ title: 'Online report', value: '<5 (previous 0)' });
    expect(source.facts).toContainEqual({ title: 'Records system (RMS)', value: 'hidden (previous 0)' });
    expect(source.texts).toEqual([
      '<5: fewer than 5, hidden to protect identities. hidden: hidden so the small figure cannot be worked out from the total.',
    ]);
    expect(section(card, 'Repeats').texts.join(' ')).not.toContain('hidden to protect identities'); // nothing suppressed there
    expect(section(card, 'Not shown here').texts).toEqual([
      'Police-only sections (reviews and who owns them, named overdue actions) are not shown to partners: they are case work, not aggregates.',
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEAMS_CARD_LIMIT } from '../../cards/format.js';
import { importPlan } from '../../db/actions/plan.service.js';
import { systemActor } from '../../db/access/access.policy.js';
import { listAudit } from '../../db/audit/audit.service.js';
import { importRoster } from '../../db/users/users.service.js';
import type { ConnectorCall } from '../helpers/fake-connector.js';
import { bootHarness, occurrence, type Harness } from '../helpers/harness.js';
import { say } from '../helpers/teams.js';
import { registerMembers } from '../actions/helpers.js';
import { documentLink, download, notInOrder, paragraphsOf, replyCard } from '../documents/docx.js';

const OXFORD = readFileSync(new URL('../actions/fixtures/oxford-plan.csv', import.meta.url), 'utf8');
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const cardText = (r: { replies: ConnectorCall[] }) => JSON.stringify(replyCard(r.replies));

/** Seed 001 appendix B, in order. */
const APPENDIX_B = [
  'Hate Crime Monthly Tactical Meeting',
  'Date:',
  'Time:',
  'Location:',
  'Invitees:',
  'AGENDA',
  '1. Introductions and apologies',
  '2. Summary of last meeting',
  '3. Promoting the key strands of the National Hate Crime Plan',
  '4. District Updates',
  '5. Delivery plan updates',
  '6. Raising the profile of public confidence and satisfaction',
  '7. Third Party reporting',
  '8. Funding opportunities',
  '9. Partnerships',
  '10. AOB',
  '11. Date of Next Meeting',
];

async function lastTacticalMeeting(h: Harness): Promise<void> {
  const last = await h.db
    .insertInto('meetings')
    .values({
      kind: 'tactical',
      starts_at: new Date('2026-10-20T09:00:00Z'),
      recurrence: 'once',
      series_id: null,
      conversation_id: null,
      created_by: null,
      pack_posted_at: null,
      prompts_sent_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await h.db.updateTable('actions').set({ raised_at_meeting_id: last.id }).where('ref', '=', '2.1 b').execute();
}

describe('the meeting pack: a short card and the full pack as a Word document', () => {
  let h: Harness;
  // The file's database is created and migrated once, on first boot: allow for a busy machine there.
  beforeAll(async () => (await bootHarness()).close(), 300_000);
  beforeEach(async () => {
    h = await bootHarness();
    registerMembers(h);
    await importPlan(h.db, OXFORD, systemActor('Plan import', 'system:test'), new Date('2026-10-01T10:00:00Z'));
    // The council's contact on the roster: who answers for OCC's actions, none of which names a contact.
    await importRoster(
      h.db,
      'upn,name,roles,districts,agency\nalexw@example.com,Alex Wilber,coordinator,*,\nsam.partner@oxford.gov.uk,Sam Partner,partner,Leeds,OCC\n',
      'system:test',
    );
    await lastTacticalMeeting(h);
    // Since the last meeting: 2 crimes and an NCHI from the RMS, a third-party and an online report;
    // two closed with outcomes (one positive). One crime before the meeting does not count.
    await h.ingest({
      occurrences: [
        occurrence({ flaggedAt: '2026-11-02T10:00:00+00:00' }),
        occurrence({ flaggedAt: '2026-11-03T10:00:00+00:00', district: 'Bradford' }),
        occurrence({ recordedAs: 'nchi', offence: undefined, flaggedAt: '2026-11-04T10:00:00+00:00' }),
        occurrence({
          source: 'third_party',
          flaggedAt: '2026-11-05T10:00:00+00:00',
          status: 'closed',
          outcome: 'Charge/summons',
          victimSatisfied: true,
        }),
        occurrence({
          source: 'online',
          flaggedAt: '2026-11-06T10:00:00+00:00',
          status: 'closed',
          outcome: 'Evidential difficulties: victim does not support action',
        }),
        occurrence({ flaggedAt: '2026-10-01T10:00:00+00:00' }),
      ],
    });
    await say(h, 'meeting schedule tactical 8/12 10:00');
    await say(h, 'action 1.2 a update Web pages rewritten and live; TruVision links added');
    await say(h, 'action 2.1 b status completed');
  });
  afterEach(async () => h.close());

  it('posts a short card with the headline figures, who has not updated and proposals to discharge, linking to the pack', async () => {
    const r = await say(h, 'meeting pack');
    const text = cardText(r);
    expect(text.length).toBeLessThan(4_000); // a short card: the agenda is in the document
    expect(text).toContain('Hate Crime Monthly Tactical Meeting');
    expect(text).toContain('Date and time: Tue 8 Dec 2026, 10:00 GMT');
    expect(text).toContain('changes since the last tactical meeting (20 Oct 2026)');
    expect(text).toContain('{"title":"Hate occurrences","value":"4 crimes, 1 NCHI"}');
    expect(text).toContain('{"title":"Third party and online","value":"2 reports"}');
    expect(text).toContain('{"title":"Positive CJ outcomes","value":"1 of 2 closed occurrences"}');
    expect(text).toContain('{"title":"Next meeting","value":"Fri 8 Jan 2027, 10:00 GMT"}');
    expect(text).toMatch(/Not updated since the last meeting.*• TVP \/ OCC: 3\.3 a, 3\.3 e/);
    expect(text).toMatch(/Proposed for discharge.*• 1\.1 a .*Business as usual/);
    expect(text).not.toContain('P-V'); // no victim references
    expect(documentLink(r.replies)).toMatch(/^http:\/\/localhost:\d+\/api\/documents\/[A-Za-z0-9_-]{43}\.docx$/);
  });

  it('the document opens as Word, follows appendix B in order, and fills every item from the data', async () => {
    const r = await say(h, 'meeting pack');
    const file = await download(h, documentLink(r.replies));
    expect(file.status).toBe(200);
    expect(file.type).toBe(DOCX);
    expect(file.disposition).toBe('attachment; filename="tactical-meeting-pack-2026-12-08.docx"');
    const p = paragraphsOf(file.body);
    expect(notInOrder(p, APPENDIX_B)).toEqual([]);
    expect(p).toContain('Date: Tue 8 Dec 2026');
    expect(p).toContain('Time: 10:00 GMT');
    expect(p).toContain('11. Date of Next Meeting: Fri 8 Jan 2027, 10:00 GMT');
    // The actions table by pillar, in the national plan's order, by ref within each.
    const pillars = notInOrder(p, [
      '5. Delivery plan updates',
      '1 Preventing hate crime',
      '3.5 a',
      '2 Responding to hate crime in our communities',
      '3 Increasing the reporting of hate crime',
      '1.1 a',
      '1.1 b',
      '1.2 a',
      'Fri 20 Nov 2026, Alex Wilber: Web pages rewritten and live',
      '5 Building our understanding of hate crime',
      '6 Improve the quality of our investigations',
      'Not updated since the last meeting',
      'Proposed for discharge',
    ]);
    expect(pillars).toEqual([]);
    // Figures: districts, third-party and online reports, positive CJ outcomes.
    expect(p).toContain('Hate occurrences flagged since the last tactical meeting (20 Oct 2026): 4 crimes, 1 NCHI.');
    expect(p.join('\n')).toMatch(/Third party reporting centre\n1\n0/);
    expect(p.join('\n')).toMatch(/Online report\n1\n0/);
    expect(p).toContain(
      'Reports through third party reporting centres and online since the last tactical meeting (20 Oct 2026): 2 (40% of 5 reports).',
    );
    expect(p.find((x) => x.startsWith('Of 2 hate occurrences closed or filed'))).toContain('1 had a positive criminal justice outcome');
    expect(p.join('\n')).toMatch(/Charge\/summons\n1\nYes/);
    // Items 6-9 are not bare headings.
    expect(p.some((x) => x.startsWith('2.1 b Neighbourhood policing teams') && x.endsWith('(TVP)'))).toBe(true); // completed since: good news
    expect(p.some((x) => x.startsWith('2.3 a') && /fund/i.test(x))).toBe(true); // funding, from the plan's own text
    // Partnerships: each agency with who answers for it (the roster's contact, when no action names one).
    expect(p.join('\n')).toMatch(/Agency\nContacts\nOpen actions\nAwaiting an update\n/);
    expect(p.join('\n')).toMatch(/\nOCC\nSam Partner\n1\.2 a, 1\.2 b/);
    expect(p.join('\n')).toMatch(/\nTVP \/ OCC\nSam Partner\n3\.3 a/);
    expect(p.join('\n')).not.toMatch(/P-V|P-S|L-\d|13\/1\d{5}\/26/); // no people, locations or references
  });

  it('every download is audited, and the posting records the document', async () => {
    const r = await say(h, 'meeting pack');
    const url = documentLink(r.replies);
    expect((await download(h, url)).status).toBe(200);
    expect((await download(h, url)).status).toBe(200);
    const trail = await listAudit(h.db, 'document');
    expect(trail.map((a) => a.action)).toEqual(['document.created', 'document.downloaded', 'document.downloaded']);
    expect(trail[2]!.details).toMatchObject({ kind: 'meeting_pack', download: 2, createdFor: expect.stringMatching(/^user:/) });
    const posted = (await listAudit(h.db, 'meeting')).find((a) => a.action === 'meeting.pack_posted');
    expect(posted?.details.documentId).toBe(trail[0]!.entityId);
  });

  it('the strategic pack follows appendix A', async () => {
    const r = await say(h, 'meeting pack strategic');
    expect(cardText(r)).toContain('not scheduled yet');
    const p = paragraphsOf((await download(h, documentLink(r.replies))).body);
    const order = notInOrder(p, [
      'Hate Crime Strategic Group Meeting',
      'Regular key leaders:',
      'Tactical lead',
      'Corporate Communications',
      'AGENDA',
      '1. Introductions and apologies',
      '2. Performance Update',
      '3. Delivery Plan',
      '4. Communications',
      '5. Any Other Business',
      '6. Date of Next Meeting: to be agreed at this meeting',
    ]);
    expect(order).toEqual([]);
    expect(p).toContain('Date: not scheduled yet');
  });

  it('with 40 actions the card stays short and within Teams’ limit, and the document lists them all', async () => {
    const rows = Array.from(
      { length: 40 },
      (_, i) => `9.${i + 1},Objective,Action number ${i + 1} ${'x'.repeat(300)},prevention,Agency ${i % 7},in_progress,,`,
    );
    await importPlan(
      h.db,
      ['ref,objective,action,pillar,owner,status,due,update', ...rows].join('\n'),
      systemActor('Plan import', 'system:test'),
      h.clock.now(),
    );
    const r = await say(h, 'meeting pack');
    const text = cardText(r);
    expect(text.length).toBeLessThanOrEqual(TEAMS_CARD_LIMIT);
    expect(text.length).toBeLessThan(5_000);
    expect(text).toMatch(/more in the full pack/);
    const p = paragraphsOf((await download(h, documentLink(r.replies))).body);
    const refs = p.filter((x) => /^9\.\d+$/.test(x));
    expect(refs).toEqual(Array.from({ length: 40 }, (_, i) => `9.${i + 1}`)); // 9.2 before 9.10
  });
});

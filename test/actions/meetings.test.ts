import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPlan } from '../../db/actions/plan.service.js';
import { systemActor } from '../../db/access/access.policy.js';
import { listAudit } from '../../db/audit/audit.service.js';
import { FakeConnector, type ConnectorCall } from '../helpers/fake-connector.js';
import { bootHarness, occurrence, type Harness } from '../helpers/harness.js';
import { say } from '../helpers/teams.js';
import { counts, registerMembers } from './helpers.js';
import { TEAMS_CARD_LIMIT } from '../../cards/format.js';

const OXFORD = readFileSync(new URL('./fixtures/oxford-plan.csv', import.meta.url), 'utf8');
const cardText = (r: { replies: ConnectorCall[] }) => JSON.stringify(FakeConnector.card(r.replies[0]));

describe('meetings and the meeting pack', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
    registerMembers(h);
    await importPlan(h.db, OXFORD, systemActor('Plan import', 'system:test'), new Date('2026-10-01T10:00:00Z'));
  });
  afterEach(async () => h.close());

  it('the tactical pack fills appendix B with updates since the last meeting, who has not updated, discharge proposals and figures', async () => {
    // The last tactical meeting was held on 20 October, and raised action 2.1 b.
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
    // Figures: two crimes and an NCHI flagged since then; one crime before it does not count.
    await h.ingest({
      occurrences: [
        occurrence({ flaggedAt: '2026-11-02T10:00:00+00:00' }),
        occurrence({ flaggedAt: '2026-11-03T10:00:00+00:00', district: 'Bradford' }),
        occurrence({ recordedAs: 'nchi', offence: undefined, flaggedAt: '2026-11-04T10:00:00+00:00' }),
        occurrence({ flaggedAt: '2026-10-01T10:00:00+00:00' }),
      ],
    });
    expect((await say(h, 'meeting schedule tactical 8/12 10:00')).text).toContain('Tue 8 Dec 2026, 10:00 GMT');
    await say(h, 'action 1.2 a update Web pages rewritten and live; TruVision links added');
    await say(h, 'action 2.1 b status completed');

    const r = await say(h, 'meeting pack');
    const text = cardText(r);
    expect(text).toContain('Hate Crime Monthly Tactical Meeting');
    expect(text).toContain('Date and time: Tue 8 Dec 2026, 10:00 GMT');
    expect(text).toContain('11. Date of next meeting: Fri 8 Jan 2027, 10:00 GMT'); // monthly series
    expect(text).toContain('changes since the last tactical meeting (20 Oct 2026)');
    for (const heading of [
      '1. Introductions and apologies',
      '2. Summary of last meeting',
      '3. Promoting the key strands of the National Hate Crime Plan',
      '4. District updates',
      '5. Delivery plan updates',
      '7. Third party reporting',
      '8. Funding opportunities',
      '11. Date of next meeting',
    ])
      expect(text).toContain(heading);
    for (const strand of [
      '1 Preventing hate crime',
      '3 Increasing the reporting of hate crime',
      '6 Improve the quality of our investigations',
    ])
      expect(text).toContain(strand);
    expect(text).toContain('Alex Wilber: Web pages rewritten and live; TruVision links added');
    expect(text).toMatch(/• 2\.1 b Neighbourhood policing teams[^"]*— TVP · Completed/); // raised at the last meeting
    expect(text).toMatch(/Not updated since the last meeting.*• TVP \/ OCC: 3\.3 a, 3\.3 e/);
    expect(text).not.toMatch(/• OCC: 1\.2 a/);
    expect(text).toMatch(/Proposed for discharge.*• 1\.1 a .*Business as usual.*• 2\.1 b .*Completed/);
    expect(text).toContain('Hate occurrences flagged since the last tactical meeting (20 Oct 2026): 2 crimes, 1 NCHI.');
    expect(text).toContain('• Bradford: 1 crime, 0 NCHI');
    expect(text).not.toContain('P-V'); // no victim references
    expect(text.length).toBeLessThanOrEqual(TEAMS_CARD_LIMIT);
    const meeting = await h.db
      .selectFrom('meetings')
      .select(['id', 'pack_posted_at'])
      .where('starts_at', '>', new Date('2026-11-21T00:00:00Z'))
      .executeTakeFirstOrThrow();
    expect(meeting.pack_posted_at).not.toBeNull();
    expect((await listAudit(h.db, 'meeting', meeting.id)).map((a) => a.action)).toEqual(['meeting.scheduled', 'meeting.pack_posted']);
  });

  it('the strategic pack follows appendix A, also before any strategic meeting is scheduled', async () => {
    const text = cardText(await say(h, 'meeting pack strategic'));
    expect(text).toContain('Hate Crime Strategic Group Meeting');
    expect(text).toContain('not scheduled yet');
    expect(text).toContain('2. Performance update: crime/incident review (trends, locations, nominals)');
    expect(text).toContain('3. Delivery plan');
    expect(text).toContain('the last quarter (no earlier meeting held)');
  });

  it("scheduling replaces the kind's series, defaults to monthly tactical and quarterly strategic, and lists what is next", async () => {
    await say(h, 'meeting schedule tactical 8/12 10:00');
    const again = await say(h, 'meeting schedule tactical 10/12 14:00');
    expect(again.text).toContain('It replaces 1 meeting of that kind not yet held');
    await say(h, 'meeting schedule strategic 15/1 10:00');
    await say(h, 'meeting schedule scrutiny 3/12 18:00');
    const list = await say(h, 'meetings');
    expect(list.text).toContain('Hate Crime Scrutiny Panel: Thu 3 Dec 2026, 18:00 GMT');
    expect(list.text).toContain('Hate Crime Monthly Tactical Meeting: Thu 10 Dec 2026, 14:00 GMT (monthly)');
    expect(list.text).toContain('Hate Crime Strategic Group Meeting: Fri 15 Jan 2027, 10:00 GMT (quarterly)');
    expect((await counts(h)).meetings).toBe(3);
    const bad = await say(h, 'meeting schedule tactical 31/2 10:00');
    expect(bad.text).toContain('not a date and time I can read');
    expect(bad.text).toContain('Use `meeting schedule tactical|strategic|case-management|scrutiny DATE TIME');
    expect((await counts(h)).meetings).toBe(3);
  });
});

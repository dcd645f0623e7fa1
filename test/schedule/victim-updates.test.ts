import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.js';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, message, occurrence, type Harness } from '../helpers/harness.js';
import { knownUser, personalChatOf } from '../helpers/teams.js';
import { importOccurrences } from '../../db/occurrences/occurrences.service.js';
import { officer, prompts, sweepAndSend } from './helpers.js';
import { DAY, erasures, runJob } from '../retention/helpers.js';

// Thu 24 Dec 2026 14:00 GMT. +1 working day skips Christmas (Fri 25), the weekend and the Boxing
// Day substitute (Mon 28): Tue 29 Dec. +5 also skips New Year's Day (Fri 1 Jan 2027): Tue 5 Jan.
const ARREST = { type: 'arrest', at: '2026-12-24T14:00:00+00:00' };
const ENHANCED_DUE = '2026-12-29T14:00:00.000Z';
const NOT_ENHANCED_DUE = '2027-01-05T14:00:00.000Z';

describe("Victims' Code updates from investigation events", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
    h.clock.current = new Date('2026-12-24T15:00:00Z');
  });
  afterEach(async () => {
    await h.close();
  });

  const updates = async (id: string) =>
    (
      await h.db
        .selectFrom('scheduled_reviews')
        .select(['seq', 'status', 'owner_role', 'due_at', 'event_type'])
        .where('occurrence_id', '=', id)
        .where('kind', '=', 'victim_update')
        .orderBy('seq')
        .execute()
    ).map((r) => ({ ...r, due_at: r.due_at.toISOString() }));
  const post = async (body: Record<string, unknown>) => {
    const res = await h.ingest(body);
    expect(res.status).toBeLessThan(300);
    return res.body.results[0] as { id: string; outcome: string };
  };

  it('an event of a crime opens an update owned by the OIC, due 1 working day later (enhanced) or 5; a repeated list adds nothing, a longer one adds one', async () => {
    const enhanced = occurrence({ flaggedAt: '2026-12-23T10:00:00+00:00', events: [ARREST] });
    const notEnhanced = occurrence({
      flaggedAt: '2026-12-23T10:00:00+00:00',
      victims: [
        { ref: 'P-NE1', enhanced: false },
        { ref: 'P-NE2', enhanced: false },
      ],
      events: [ARREST],
    });
    const a = await post(enhanced);
    const b = await post(notEnhanced);
    expect(await updates(a.id)).toEqual([{ seq: 1, status: 'pending', owner_role: 'oic', due_at: ENHANCED_DUE, event_type: 'arrest' }]);
    expect(await updates(b.id)).toEqual([{ seq: 1, status: 'pending', owner_role: 'oic', due_at: NOT_ENHANCED_DUE, event_type: 'arrest' }]);

    // The same list, spelt differently (another offset for the same instant): nothing changes.
    expect((await post({ ...enhanced, events: [{ type: 'arrest', at: '2026-12-24T15:00:00+01:00' }] })).outcome).toBe('unchanged');
    // A longer list, in another order: the new event gets the next number, the arrest keeps its review.
    const charge = { type: 'charge_decision', at: '2026-12-24T14:30:00+00:00' };
    expect((await post({ ...enhanced, events: [charge, ARREST] })).outcome).toBe('updated');
    const after = await updates(a.id);
    expect(after.map((r) => [r.seq, r.event_type, r.due_at])).toEqual([
      [1, 'arrest', ENHANCED_DUE],
      [2, 'charge_decision', '2026-12-29T14:30:00.000Z'],
    ]);
    // A later list leaving the arrest out keeps it (events are facts) and its review.
    await post({ ...enhanced, events: [charge] });
    expect((await updates(a.id)).map((r) => [r.seq, r.status])).toEqual([
      [1, 'pending'],
      [2, 'pending'],
    ]);
    expect(await h.db.selectFrom('occurrence_events').select('seq').where('occurrence_id', '=', a.id).execute()).toHaveLength(2);
  });

  it('an NCHI gets no update (no crime, no Victims Code); bad events get the contract errors and nothing is written', async () => {
    const nchi = await post(occurrence({ recordedAs: 'nchi', offence: undefined, events: [ARREST] }));
    expect(await updates(nchi.id)).toEqual([]);

    const bad = occurrence({
      events: [
        { type: 'caution', at: '2026-12-24T14:00:00+00:00' },
        { type: 'arrest', at: '2026-12-24' },
        { type: 'interview', at: '2026-12-25T14:00:00+00:00' },
      ],
    });
    const res = await h.ingest(bad);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: 'events.0.type', message: expect.stringContaining('must be one of: arrest, interview, charge_decision') },
      { path: 'events.1.at', message: expect.stringContaining('ISO 8601') },
      { path: 'events.2.at', message: expect.stringContaining('must not be in the future') },
    ]);
    const many = Array.from({ length: 101 }, (_, i) => ({ type: 'bail_change', at: new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString() }));
    const tooMany = await h.ingest(occurrence({ events: many }));
    expect(tooMany.body.errors).toEqual([{ path: 'events', message: 'at most 100 events per occurrence' }]);
    const refs = (await h.db.selectFrom('occurrences').select('reference').execute()).map((r) => r.reference);
    expect(refs).not.toContain(bad.reference);
  });

  it('an import plans updates set-wise; history (old events, on import or arriving later) prompts nobody', async () => {
    const recent = occurrence({ flaggedAt: '2026-12-23T10:00:00+00:00', events: [ARREST] });
    const old = occurrence({ flaggedAt: '2026-03-02T10:00:00+00:00', events: [{ type: 'arrest', at: '2026-03-03T10:00:00+00:00' }] });
    const results: { id: string }[] = [];
    await importOccurrences(h.db, [recent, old], h.config, { actor: 'system:import', batch: 100, clock: h.clock.now }, (r) =>
      results.push(...r),
    );
    expect((await updates(results[0]!.id)).map((r) => r.due_at)).toEqual([ENHANCED_DUE]);
    expect(await updates(results[1]!.id)).toEqual([]);

    // A month on, the feed starts sending the recent occurrence's older event history: not planned;
    // an event that happened within the backfill window is.
    h.clock.advance(30 * DAY);
    const events = [
      ARREST,
      { type: 'interview', at: '2026-11-02T10:00:00+00:00' },
      { type: 'bail_change', at: '2027-01-20T10:00:00+00:00' },
    ];
    await post({ ...recent, events });
    expect((await updates(results[0]!.id)).map((r) => [r.seq, r.event_type])).toEqual([
      [1, 'arrest'],
      [3, 'bail_change'],
    ]);
  });

  it('the OIC is prompted when an update falls due, and the prompt names the event', async () => {
    await h.send(message('subscribe')); // the bot has been spoken to: it knows the Teams service URL
    await knownUser(h, officer);
    await post(occurrence({ flaggedAt: '2026-12-23T10:00:00+00:00', oic: { upn: officer.upn, name: officer.name }, events: [ARREST] }));
    h.clock.current = new Date('2026-12-29T14:30:00Z');
    await sweepAndSend(h);
    const [prompt] = prompts(h, "Victims' Code update", personalChatOf(h, officer.id));
    expect(prompt).toBeDefined();
    expect(JSON.stringify(FakeConnector.card(prompt))).toContain('after an investigation event (arrest, Thu 24 Dec 2026, 14:00 GMT)');
  });

  it('erasing a closed occurrence at the end of its retention period erases its events, counted in the erasure entry', async () => {
    const closed = await post(
      occurrence({ flaggedAt: '2026-12-23T10:00:00+00:00', status: 'closed', outcome: 'Charged', events: [ARREST] }),
    );
    h.clock.current = new Date(h.clock.current.getTime() + (6 * 365 + 1) * DAY);
    expect(await runJob(h)).toMatchObject({ closedOccurrences: 1 });
    expect(await h.db.selectFrom('occurrence_events').select('seq').where('occurrence_id', '=', closed.id).execute()).toEqual([]);
    expect((await erasures(h)).find((e) => e.entityId === closed.id)?.details.erased).toMatchObject({ events: 1 });
  });

  it('REVIEW_POLICY_FILE sets both deadlines (not enhanced: 5 working days unless set) and refuses a misspelt setting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    const file = (name: string, rule: unknown) => {
      writeFileSync(join(dir, name), JSON.stringify({ victim_update: rule }));
      return join(dir, name);
    };
    const set = file('set.json', { after: { hours: 4 }, afterNotEnhanced: { workingDays: 2 }, owner: 'oic' });
    expect(
      loadConfig({ REVIEW_POLICY_FILE: file('default.json', { after: { workingDays: 2 }, owner: 'oic' }) }).schedule.policy.victim_update,
    ).toMatchObject({ after: { workingDays: 2 }, afterNotEnhanced: { workingDays: 5 } });
    expect(() =>
      loadConfig({
        REVIEW_POLICY_FILE: file('typo.json', { after: { workingDays: 1 }, afterNotEnhancd: { workingDays: 2 }, owner: 'oic' }),
      }),
    ).toThrow(/victim_update: Unrecognized key\(s\) in object: 'afterNotEnhancd'/);
    await h.close();
    h = await bootHarness({ REVIEW_POLICY_FILE: set });
    h.clock.current = new Date('2026-12-24T15:00:00Z');
    const enhanced = await post(occurrence({ flaggedAt: '2026-12-23T10:00:00+00:00', events: [ARREST] }));
    const not = await post(
      occurrence({ flaggedAt: '2026-12-23T10:00:00+00:00', victims: [{ ref: 'P-N', enhanced: false }], events: [ARREST] }),
    );
    expect((await updates(enhanced.id)).map((r) => r.due_at)).toEqual(['2026-12-24T18:00:00.000Z']);
    expect((await updates(not.id)).map((r) => r.due_at)).toEqual(['2026-12-30T14:00:00.000Z']);
  });
});

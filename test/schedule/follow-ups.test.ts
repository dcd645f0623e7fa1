import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, executeInvoke, message, occurrence, type Harness } from '../helpers/harness.js';
import { ALL_YES, knownUser, people, personalChatOf } from '../helpers/teams.js';
import { officer, prompts, reviewIdOf, supervisor, sweepAndSend } from './helpers.js';

// Issue 12 item 3: follow-up tasks with owners and deadlines, prompted, chased and answered like
// every review. The harness clock is Fri 20 Nov 2026 10:00 GMT.

const HOUR = 3_600_000;
const coordinator = { ...people.coordinator, upn: 'hcc.leeds@force.police.uk' };
const inspector = { id: '29:insp', aadObjectId: 'aad-insp', name: 'Insp Lee Gu', upn: 'insp.gu@force.police.uk' };
const personalOf = (u: { id: string }, h: Harness) => ({
  id: personalChatOf(h, u.id)!,
  conversationType: 'personal',
  tenantId: 'tenant-1',
});
const text = (v: unknown) => JSON.stringify(v);

describe('follow-up tasks (issue 12 item 3)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
    await knownUser(h, coordinator, { roles: ['coordinator'], districts: ['Leeds'], onRoster: true });
    await knownUser(h, inspector, { roles: ['manager'], districts: ['Leeds'], onRoster: true });
    await knownUser(h, officer, { roles: ['officer'], districts: ['Leeds'], onRoster: true });
    await knownUser(h, supervisor, { roles: ['supervisor'], districts: ['Leeds'], onRoster: true });
    await h.send(message('subscribe', coordinator));
  });
  afterEach(async () => h.close());

  const tasksOf = (occurrenceId: string) =>
    h.db
      .selectFrom('scheduled_reviews')
      .select(['kind', 'status', 'owner_role', 'due_at', 'outcome', 'note'])
      .where('occurrence_id', '=', occurrenceId)
      .where('kind', 'in', ['marac_referral', 'partner_support', 'pso_recorded', 'inspector_contact'])
      .orderBy('due_at')
      .execute();

  async function ingest(overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await h.ingest(
      occurrence({ oic: { upn: officer.upn, name: officer.name }, supervisor: { upn: supervisor.upn }, ...overrides }),
    );
    expect(res.status).toBe(201);
    await h.bot.dispatcher.drain();
    return res.body.results[0].id as string;
  }

  /** Done on a prompt, as `who` presses it in `conv`, with the outcome (and note) chosen. */
  const done = (
    who: Parameters<typeof executeInvoke>[3],
    conv: Parameters<typeof executeInvoke>[4],
    sr: string,
    outcome: string,
    note?: string,
  ) => h.send(executeInvoke('prompt.done', { scheduledReviewId: sr, outcome, ...(note ? { note } : {}) }, 'x', who, conv));

  const submit = (occurrenceId: string, expectedVersion: number, answers: Record<string, string>) =>
    h.send(executeInvoke('review.submit', { occurrenceId, expectedVersion, ...ALL_YES, ...answers }, 'card-1', coordinator));

  it('a high grade opens the MARAC, partner-support and (repeat suspect) PSO tasks on the card and in the endorsement; a lower grade closes them', async () => {
    await ingest({ suspects: [{ ref: 'P-REPEAT' }], flaggedAt: '2026-06-01T10:00:00+01:00' });
    const id = await ingest({ suspects: [{ ref: 'P-REPEAT' }] });
    const saved = await submit(id, 0, { riskGrade: 'high', riskRationale: 'Repeat suspect, escalating' });
    const card = text(saved.body.value);
    // Deadlines in working days from Fri 20 Nov 10:00: 2 → Tue 24, 5 → Fri 27, 10 → Fri 4 Dec.
    expect(card).toContain('High risk: MARAC referral considered (made, or not needed and why): due Tue 24 Nov 2026, 10:00 GMT');
    expect(card).toContain('High risk: partner support arranged: due Fri 27 Nov 2026, 10:00 GMT');
    expect(card).toContain('High risk, repeat suspect: Problem Solving Occurrence recorded by the NPT: due Fri 4 Dec 2026, 10:00 GMT');
    // The same save answered the coordinator's own review: the card shows it done.
    expect(card).toMatch(/✓ Coordinator \(SPOC\) review \(10 days\): done \(HCC review saved\) by [^,]+, Fri 20 Nov 2026, 10:00 GMT/);
    expect((await tasksOf(id)).map((t) => [t.kind, t.status, t.owner_role])).toEqual([
      ['marac_referral', 'pending', 'coordinator'],
      ['partner_support', 'pending', 'coordinator'],
      ['pso_recorded', 'pending', 'coordinator'],
    ]);
    const added = await h.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'schedule.added')
      .where('entity_id', '=', id)
      .execute();
    expect(text(added)).toContain('graded high');

    const again = await submit(id, 1, { riskGrade: 'high', riskRationale: 'Still high' });
    expect(again.status).toBe(200);
    expect(await tasksOf(id)).toHaveLength(3); // re-graded high: no second set

    const lowered = text((await submit(id, 2, { riskGrade: 'medium', riskRationale: 'Suspect remanded' })).body.value);
    expect((await tasksOf(id)).map((t) => t.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    // The card the save returns no longer lists the cancelled tasks.
    expect(lowered).not.toContain('MARAC referral considered');
    expect(lowered).toContain('Coordinator (SPOC) review (10 days): done');
  });

  it("the MARAC task prompts the district's coordinator; 'not needed' needs a reason; the answer shows on the review card", async () => {
    const id = await ingest();
    await submit(id, 0, { riskGrade: 'high', riskRationale: 'Threats to burn the house' });
    h.clock.advance(4 * 24 * HOUR); // Tue 24 Nov 10:00: the MARAC decision is due
    await sweepAndSend(h);
    const chat = personalChatOf(h, coordinator.id);
    const [prompt] = prompts(h, 'MARAC referral considered', chat);
    expect(prompt).toBeDefined();
    const promptText = text(FakeConnector.card(prompt));
    expect(promptText).toContain('Hate Crime Coordinator, Leeds');
    expect(promptText).toContain('"title":"Not needed","value":"not_needed"');
    const sr = reviewIdOf(prompt!);
    const conv = personalOf(coordinator, h);
    const noReason = await done(coordinator, conv, sr, 'not_needed');
    expect(text(noReason.body.value)).toContain('Not saved: say why (not needed)');
    const answered = await done(coordinator, conv, sr, 'not_needed', 'Below the MARAC threshold; partner plan instead');
    expect(text(answered.body.value)).toContain('Done (Not needed) by Alex Wilber');
    await h.bot.dispatcher.drain();
    const updated = h.connector.updated().map((c) => text(FakeConnector.card(c)));
    expect(
      updated.some((t) =>
        t.includes('✓ High risk: MARAC referral considered (made, or not needed and why): done (Not needed) by Alex Wilber'),
      ),
    ).toBe(true);
  });

  it("a dissatisfied closure call opens the inspector's contact: the district's manager is prompted and answers; an officer may not", async () => {
    const id = await ingest({ status: 'closed', outcome: 'OC15' });
    const closure = await h.db
      .selectFrom('scheduled_reviews')
      .select('id')
      .where('occurrence_id', '=', id)
      .where('kind', '=', 'closure_call')
      .executeTakeFirstOrThrow();
    const from = { id: supervisor.id, aadObjectId: supervisor.aadObjectId, name: supervisor.name };
    const conv = { id: 'a:super-chat', conversationType: 'personal', tenantId: 'tenant-1' };
    const answer = await done(from, conv, closure.id, 'dissatisfied', 'Felt not believed');
    expect(text(answer.body.value)).toContain('Done (Not satisfied) by DS Adele Vance');
    const [task] = await tasksOf(id);
    // Answered Fri 20 Nov 10:00: 5 working days → Fri 27 Nov 10:00, owned by the district's managers.
    expect(task).toMatchObject({ kind: 'inspector_contact', status: 'pending', owner_role: 'manager' });
    expect(task!.due_at.toISOString()).toBe('2026-11-27T10:00:00.000Z');

    h.clock.advance(7 * 24 * HOUR);
    await sweepAndSend(h);
    const [prompt] = prompts(h, 'Inspector contact with the victim, dissatisfied at closure', personalChatOf(h, inspector.id));
    expect(prompt).toBeDefined();
    expect(text(FakeConnector.card(prompt))).toContain('Inspector (manager), Leeds');
    const sr = reviewIdOf(prompt!);
    const byOfficer = await done(officer, conv, sr, 'contacted');
    expect(text(byOfficer.body.value)).toContain('only a manager (inspector) for Leeds');
    const byInspector = await done(inspector, personalOf(inspector, h), sr, 'contacted', 'Apologised; learning to tactical group');
    expect(text(byInspector.body.value)).toContain('Done (Contacted) by Insp Lee Gu');
  });

  it("the feed's 'not satisfied at closure' opens the inspector's contact too, and a later feed update keeps it", async () => {
    const occ = { status: 'closed', outcome: 'OC15', victimSatisfied: false };
    const id = await ingest(occ);
    expect((await tasksOf(id)).map((t) => [t.kind, t.owner_role])).toEqual([['inspector_contact', 'manager']]);
    const ref = (await h.db.selectFrom('occurrences').select('reference').where('id', '=', id).executeTakeFirstOrThrow()).reference;
    await h.ingest(
      occurrence({
        reference: ref,
        oic: { upn: officer.upn, name: officer.name },
        supervisor: { upn: supervisor.upn },
        status: 'closed',
        outcome: 'OC15',
      }),
    );
    expect((await tasksOf(id)).map((t) => t.status)).toEqual(['pending']);
  });
});

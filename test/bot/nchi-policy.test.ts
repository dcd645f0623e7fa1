import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.js';
import { FakeConnector, type ConnectorCall } from '../helpers/fake-connector.js';
import { bootHarness, channel, executeInvoke, message, occurrence, type Harness } from '../helpers/harness.js';
import { ALL_YES, knownUser, people, say } from '../helpers/teams.js';
import { officer, supervisor, sweepAndSend } from '../schedule/helpers.js';

const coordinator = { ...people.coordinator, upn: 'hcc.leeds@force.police.uk' };
const nchi = (overrides: Record<string, unknown> = {}) =>
  occurrence({ recordedAs: 'nchi', offence: undefined, victims: [{ ref: 'P-C1', enhanced: false }], summary: undefined, ...overrides });

/** What a person reads on a card: texts, titles, labels, fact values and messages; not the input ids or data. */
function visibleText(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(visibleText);
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  const own = ['text', 'title', 'label', 'placeholder', 'errorMessage', 'fallbackText'].flatMap((k) =>
    typeof o[k] === 'string' ? [o[k]] : [],
  );
  // A fact's value is shown; an input's or a choice's value is data.
  if (typeof o.value === 'string' && typeof o.title === 'string' && !o.type) own.push(o.value);
  return [...own, ...Object.entries(o).flatMap(([k, v]) => (k === 'data' ? [] : visibleText(v)))];
}
const shown = (card: unknown) => visibleText(card).join('\n');
const cardOf = (c: ConnectorCall | undefined) => FakeConnector.card(c);

describe('NCHI_POLICY (issue 12 item 5)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const count = async () => Number((await h!.db.selectFrom('occurrences').select(h!.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('refuse: the feed answers 400 naming each NCHI, and a batch with one NCHI writes nothing; crimes still go in', async () => {
    h = await bootHarness({ NCHI_POLICY: 'refuse' });
    const one = nchi();
    const alone = await h.ingest(one);
    expect(alone.status).toBe(400);
    expect(alone.body.errors).toEqual([
      {
        path: 'recordedAs',
        message: `${String(one.reference)} is a non-crime hate incident (NCHI): this force does not accept NCHIs from the feed (NCHI_POLICY=refuse)`,
      },
    ]);
    const batch = await h.ingest({ occurrences: [occurrence(), nchi(), occurrence(), nchi()] });
    expect(batch.status).toBe(400);
    expect(batch.body.errors.map((e: { path: string }) => e.path)).toEqual(['occurrences.1.recordedAs', 'occurrences.3.recordedAs']);
    expect(await count()).toBe(0);
    expect((await h.ingest(occurrence())).status).toBe(201);
  });

  it('review-off: an NCHI is stored with no review card; a crime still gets one', async () => {
    h = await bootHarness({ NCHI_POLICY: 'review-off' });
    await h.send(message('subscribe'));
    const res = await h.ingest({ occurrences: [nchi(), occurrence()] });
    expect(res.status).toBe(201);
    await h.bot.dispatcher.drain();
    const cards = h.connector.posted(channel.id).map((c) => shown(cardOf(c)));
    expect(cards.filter((t) => t.includes('Hate crime review ·'))).toHaveLength(1);
    expect(cards.filter((t) => t.includes('Non-crime hate incident review'))).toHaveLength(0);
    expect(await count()).toBe(2);
  });

  it('NCHI_REVIEW=false still means review-off; set with NCHI_POLICY it is refused; an unknown mode is named', () => {
    expect(loadConfig({}).nchiPolicy).toBe('code-2023');
    expect(loadConfig({ NCHI_REVIEW: 'false' }).nchiPolicy).toBe('review-off');
    expect(loadConfig({ NCHI_REVIEW: 'true' }).nchiPolicy).toBe('code-2023');
    expect(() => loadConfig({ NCHI_POLICY: 'refuse', NCHI_REVIEW: 'false' })).toThrow(/NCHI_REVIEW: is replaced by NCHI_POLICY/);
    expect(() => loadConfig({ NCHI_POLICY: 'off' })).toThrow(/NCHI_POLICY must be one of code-2023, review-off, refuse/);
  });

  it('code-2023: an NCHI card, its form, high-risk prompts, schedule, review prompts and endorsement say complainant and subject, never victim or suspect', async () => {
    h = await bootHarness();
    await knownUser(h, coordinator, { roles: ['coordinator'], districts: ['Leeds'], onRoster: true });
    await knownUser(h, officer);
    await knownUser(h, supervisor);
    await h.send(message('subscribe', coordinator));
    const when = { flaggedAt: '2026-11-18T09:00:00+00:00', allocatedAt: '2026-11-18T10:00:00+00:00' };
    const who = { oic: { upn: officer.upn, name: officer.name }, supervisor: { upn: supervisor.upn, name: supervisor.name } };
    // Two NCHIs with one subject: the second shows a repeat subject.
    await h.ingest(nchi({ suspects: [{ ref: 'P-SUBJ' }], ...when, ...who }));
    const occ = nchi({ suspects: [{ ref: 'P-SUBJ' }], ...when, ...who });
    const res = await h.ingest(occ);
    expect(res.status).toBe(201);
    const occurrenceId = res.body.results[0].id as string;
    await h.bot.dispatcher.drain();

    const posted = shown(cardOf(h.connector.posted(channel.id).at(-1)));
    expect(posted).toContain('Non-crime hate incident review');
    expect(posted).toContain('Supervisor contact with the complainant');
    const form = shown(cardOf((await say(h, `review ${String(occ.reference)}`, coordinator)).replies[0]));
    expect(form).toContain('NCHI Code of Practice threshold met and personal-data decision recorded');
    expect(form).toContain('Complainant support: needs assessment done');
    expect(form).toContain('Repeat complainant, repeat subject and repeat location checked');

    const submit = await h.send(
      executeInvoke(
        'review.submit',
        {
          occurrenceId,
          expectedVersion: 0,
          ...ALL_YES,
          riskGrade: 'high',
          riskRationale: 'Subject named in two reports this month',
          nchiThreshold: 'yes',
          nchiSubjectRefs: 'keep_offence',
        },
        'card-1',
        coordinator,
      ),
    );
    const reviewed = shown(submit.body.value);
    expect(reviewed).toContain('Repeat subject: the NPT should record a Problem Solving Occurrence (PSO).');
    expect(reviewed).toContain('support services for the complainant');
    expect(reviewed).toContain("NCHI threshold met: yes · Subject's personal data: Keep: real risk of a future criminal offence");

    await sweepAndSend(h);
    const prompts = h.connector
      .posted()
      .map((c) => cardOf(c))
      .filter((c) => JSON.stringify(c ?? '').includes('"scheduledReviewId"'))
      .map(shown);
    expect(prompts.some((p) => p.includes('Supervisor contact with the complainant (24h after allocation)'))).toBe(true);

    const endorsement = shown(cardOf((await say(h, `endorsement ${String(occ.reference)}`, coordinator)).replies[0]));
    expect(endorsement).toContain('HCC REVIEW');
    for (const text of [posted, form, reviewed, ...prompts, endorsement]) expect(text).not.toMatch(/victim|suspect/i);
  });

  /** An NCHI with a complainant and a subject, and the coordinator's review form for it in their personal chat. */
  async function nchiWithForm(env: Record<string, string> = {}) {
    h = await bootHarness(env);
    await knownUser(h, coordinator, { roles: ['coordinator'], districts: ['Leeds'], onRoster: true });
    const occ = nchi({ suspects: [{ ref: 'P-SUBJ-1' }, { ref: 'P-SUBJ-2' }] });
    const res = await h.ingest(occ);
    const occurrenceId = res.body.results[0].id as string;
    const form = cardOf((await say(h, `review ${String(occ.reference)}`, coordinator)).replies[0]);
    const submit = (extra: Record<string, string>) =>
      h!.send(executeInvoke('review.submit', { occurrenceId, expectedVersion: 0, ...ALL_YES, ...extra }, 'card-1', coordinator));
    const people = async () =>
      (await h!.db.selectFrom('occurrence_people').select(['role', 'person_ref']).where('occurrence_id', '=', occurrenceId).execute())
        .map((p) => `${p.role}:${p.person_ref}`)
        .sort();
    return { occurrenceId, form: JSON.stringify(form), submit, people };
  }

  it('code-2023: the form asks for the threshold and personal-data decisions, and refuses a review without them (nothing saved)', async () => {
    const { form, submit, people } = await nchiWithForm();
    expect(form).toContain('"id":"nchiThreshold"');
    expect(form).toContain('Keep: real risk of significant harm');
    const refused = shown((await submit({})).body.value);
    expect(refused).toContain('The review was not saved');
    expect(refused).toContain('NCHI threshold: say whether the NCHI Code of Practice threshold is met: yes or no');
    expect(refused).toContain("Subject's personal data: choose whether the subject's refs are kept");
    expect(await h!.db.selectFrom('reviews').select('id').execute()).toHaveLength(0);
    expect(await people()).toEqual(['suspect:P-SUBJ-1', 'suspect:P-SUBJ-2', 'victim:P-C1']);
  });

  it('code-2023: "remove" erases the subject refs with the review, keeps the complainant, and audits the removal; "keep" keeps them', async () => {
    const { occurrenceId, submit, people } = await nchiWithForm();
    const saved = shown((await submit({ nchiThreshold: 'yes', nchiSubjectRefs: 'remove' })).body.value);
    expect(saved).toContain("NCHI threshold met: yes · Subject's personal data: Remove: no such risk");
    expect(await people()).toEqual(['victim:P-C1']);
    const audit = await h!.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('entity_id', '=', occurrenceId)
      .where('action', 'in', ['review.submitted', 'nchi.subject_refs_removed'])
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['review.submitted', 'nchi.subject_refs_removed']);
    expect(audit[0]!.details).toMatchObject({ nchi: { thresholdMet: true, subjectRefs: 'remove' } });
    expect(audit[1]!.details).toMatchObject({ removed: 2 });

    await h!.close();
    const kept = await nchiWithForm();
    expect((await kept.submit({ nchiThreshold: 'yes', nchiSubjectRefs: 'keep_harm' })).status).toBe(200);
    expect(await kept.people()).toEqual(['suspect:P-SUBJ-1', 'suspect:P-SUBJ-2', 'victim:P-C1']);
  });

  it('review-off: the form (by `review REFERENCE`) does not ask for the Code of Practice decisions, and saves without them', async () => {
    const { form, submit, people } = await nchiWithForm({ NCHI_POLICY: 'review-off' });
    expect(form).not.toContain('nchiThreshold');
    expect((await submit({})).status).toBe(200);
    expect(await h!.db.selectFrom('reviews').select('id').execute()).toHaveLength(1);
    expect(await people()).toHaveLength(3);
  });
});

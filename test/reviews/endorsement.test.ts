import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.js';
import { FakeConnector } from '../helpers/fake-connector.js';
import { bootHarness, channel, executeInvoke, message, occurrence, type Harness } from '../helpers/harness.js';
import { ALL_YES, knownUser, people, say } from '../helpers/teams.js';

const coordinator = { ...people.coordinator, upn: 'hcc.leeds@force.police.uk' };
const outsider = { ...people.officer, upn: 'ds.bradford@force.police.uk' };

/** The endorsement text of a card: its monospace lines, as they will paste. */
const endorsementText = (card: Record<string, any> | undefined): string =>
  ((card?.body?.[1]?.items ?? []) as { text: string; fontType?: string }[])
    .filter((b) => b.fontType === 'Monospace')
    .map((b) => b.text)
    .join('\n');

describe('RMS endorsement text (issue 12 item 1)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** A Leeds coordinator and a Bradford supervisor on the roster; one occurrence reviewed on the card by the coordinator. */
  async function reviewed(overrides: Record<string, unknown>, answers: Record<string, string>) {
    h = await bootHarness();
    await knownUser(h, coordinator, { roles: ['coordinator'], districts: ['Leeds'], onRoster: true });
    await knownUser(h, outsider, { roles: ['supervisor'], districts: ['Bradford'], onRoster: true });
    await h.send(message('subscribe', coordinator));
    const occ = occurrence(overrides);
    const res = await h.ingest(occ);
    expect(res.status).toBe(201);
    const occurrenceId = res.body.results[0].id as string;
    await h.bot.dispatcher.drain();
    const submit = await h.send(
      executeInvoke('review.submit', { occurrenceId, expectedVersion: 0, ...ALL_YES, ...answers }, 'card-1', coordinator),
    );
    expect(submit.status).toBe(200);
    return { occ, occurrenceId, reviewedCard: submit.body.value as Record<string, any> };
  }

  it('a crime: the reviewed card offers the text with every "no" owned and due in working days, the grade, no identities; audited', async () => {
    const { occ, occurrenceId, reviewedCard } = await reviewed(
      {},
      {
        item_recording_decision: 'no',
        note_recording_decision: 'Add the second offence of criminal damage',
        item_victims_code: 'no',
        note_victims_code: 'Offer the VPS and refer to Victim Support',
        riskGrade: 'high',
        riskRationale: 'Third incident at the home address this year',
      },
    );
    const button = (reviewedCard.actions as Record<string, unknown>[]).find((a) => a.title === 'Endorsement text');
    expect(button).toMatchObject({ type: 'Action.Execute', verb: 'review.endorsement', data: { occurrenceId } });

    const res = await h!.send(executeInvoke('review.endorsement', { occurrenceId }, 'card-1', coordinator));
    expect(res.status).toBe(200);
    const card = res.body.value as Record<string, any>;
    const text = endorsementText(card);
    expect(text).toContain(`HCC REVIEW - ${String(occ.reference)} (crime: Racially or religiously aggravated harassment)`);
    expect(text).toContain('Reviewed by Alex Wilber, Fri 20 Nov 2026, 10:00 GMT (first review).');
    expect(text).toContain('HCC checklist: 5 yes, 2 no, 1 n/a.');
    // Reviewed on a Friday: 1 working day is Monday, 2 are Tuesday.
    expect(text).toContain('Add the second offence of criminal damage - by Supervisor (DS Super), due Mon 23 Nov 2026 (1 working day)');
    expect(text).toContain('Offer the VPS and refer to Victim Support - by OIC (PC 1234 Officer), due Tue 24 Nov 2026 (2 working days)');
    expect(text).toContain('Risk grade: HIGH. Rationale: Third incident at the home address this year');
    // The high grade's tracked tasks (issue 12 item 3): no repeat suspect, so no PSO.
    expect(text).toContain('Follow-up tasks: 2');
    expect(text).toContain(
      '- High risk: MARAC referral considered (made, or not needed and why): Hate Crime Coordinator, Leeds, due Tue 24 Nov 2026 (open)',
    );
    expect(text).toContain('- High risk: partner support arranged: Hate Crime Coordinator, Leeds, due Fri 27 Nov 2026 (open)');
    expect(text).not.toContain('Problem Solving Occurrence');
    // The whole text in one box to copy, and the way back to the review card.
    expect(JSON.stringify(card)).toContain('"id":"endorsementText"');
    expect((card.actions as { title: string }[]).map((a) => a.title)).toEqual(['Copy as plain text', 'Back to the review card']);
    // References and classifications only: no people or location refs, no feed summary.
    const all = JSON.stringify(card);
    for (const ref of ['P-V', 'P-S', 'L-']) expect(all).not.toContain(ref);
    expect(all).not.toContain('racist abuse');

    const audits = await h!.db.selectFrom('audit_log').selectAll().where('action', '=', 'endorsement.disclosed').execute();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ entity_id: occurrenceId });
    expect(audits[0]!.details).toMatchObject({ reason: 'review card button', version: 1, conversationId: channel.id });

    const back = await h!.send(executeInvoke('review.endorsement.back', { occurrenceId }, 'card-1', coordinator));
    expect(JSON.stringify(back.body.value)).toContain('Hate crime review ·');
  });

  it('an NCHI: `endorsement REFERENCE` speaks of the complainant and subject, never of crime, victim or suspect', async () => {
    const { occ } = await reviewed(
      { recordedAs: 'nchi', offence: undefined, summary: undefined },
      {
        item_victims_code: 'no',
        note_victims_code: 'Offer a referral to the support service',
        item_repeats_checked: 'no',
        note_repeats_checked: 'Check the previous reports at this location',
        riskGrade: 'medium',
        riskRationale: 'Second report from the same street',
        nchiThreshold: 'yes',
        nchiSubjectRefs: 'keep_harm',
      },
    );
    const asked = await say(h!, `endorsement ${String(occ.reference)}`, coordinator, channel);
    const card = FakeConnector.card(asked.replies[0]);
    const text = endorsementText(card);
    expect(text).toContain(`HCC REVIEW - ${String(occ.reference)} (non-crime hate incident (NCHI))`);
    expect(text).toContain('Complainant support: needs assessment done, support service referral offered');
    expect(text).toContain('Repeat complainant, repeat subject and repeat location checked: No');
    expect(text).toContain('Risk grade: MEDIUM. Rationale: Second report from the same street');
    expect(text.replace(/non-crime/g, '')).not.toMatch(/\b(crimes?|victims?|suspects?|offenders?|offences?)\b/i);
    const audit = await h!.db.selectFrom('audit_log').select('details').where('action', '=', 'endorsement.disclosed').executeTakeFirst();
    expect(audit?.details).toMatchObject({ reason: 'endorsement command' });
  });

  it('someone who may not see the occurrence is refused, shown nothing, and the refusal is audited', async () => {
    const { occ, occurrenceId } = await reviewed({}, { item_victims_code: 'no', note_victims_code: 'Offer the VPS' });
    const pressed = await h!.send(executeInvoke('review.endorsement', { occurrenceId }, 'card-1', outsider));
    const asked = await say(h!, `endorsement ${String(occ.reference)}`, outsider);
    for (const reply of [JSON.stringify(pressed.body), asked.text]) {
      expect(reply).toContain('only the OIC, or a supervisor, coordinator or manager for Leeds, can see this occurrence');
      expect(reply).not.toContain('Offer the VPS');
      expect(reply).not.toContain('HCC REVIEW');
    }
    const actions = (await h!.db.selectFrom('audit_log').select('action').execute()).map((a) => a.action);
    expect(actions.filter((a) => a === 'access_refused')).toHaveLength(2);
    expect(actions).not.toContain('endorsement.disclosed');
  });

  it('an occurrence not yet reviewed has no endorsement; a reference the bot does not hold is named', async () => {
    h = await bootHarness();
    const occ = occurrence();
    await h.ingest(occ);
    expect((await say(h, `endorsement ${String(occ.reference)}`)).text).toContain('has no HCC review yet');
    expect((await say(h, 'endorsement 99/999999/26')).text).toContain('No occurrence with reference 99/999999/26');
    expect((await say(h, 'endorsement')).text).toContain('Use `endorsement REFERENCE`');
  });
});

describe('ENDORSEMENT_TEMPLATE_FILE', () => {
  const file = (content: unknown) => {
    const p = path.join(mkdtempSync(path.join(tmpdir(), 'endorse-')), 'template.json');
    writeFileSync(p, JSON.stringify(content));
    return p;
  };

  it('refuses to start on an unknown placeholder, {offence} or crime wording in the NCHI template, naming each', () => {
    expect(() => loadConfig({ ENDORSEMENT_TEMPLATE_FILE: file({ crime: 'Advice for {referense}' }) })).toThrow(
      /ENDORSEMENT_TEMPLATE_FILE .* is invalid:\n {2}crime: unknown placeholder \{referense\}/,
    );
    expect(() => loadConfig({ ENDORSEMENT_TEMPLATE_FILE: file({ nchi: ['{reference}: {offence}'] }) })).toThrow(
      /nchi: \{offence\} is for crimes only/,
    );
    expect(() => loadConfig({ ENDORSEMENT_TEMPLATE_FILE: file({ nchi: 'Victim contacted' }) })).toThrow(/nchi: "Victim" is crime wording/);
    expect(() => loadConfig({ ENDORSEMENT_TEMPLATE_FILE: '/nonexistent/template.json' })).toThrow(/cannot read JSON/);
  });

  it("a force's template and deadlines are used", async () => {
    const p = file({
      crime: ['HCC advice for {reference}: {riskGrade}', '{actions}'],
      items: { victims_code: { owner: 'supervisor', workingDays: 3 } },
    });
    const config = loadConfig({ ENDORSEMENT_TEMPLATE_FILE: p });
    expect(config.endorsementTemplate.crime).toEqual(['HCC advice for {reference}: {riskGrade}', '{actions}']);
    const h = await bootHarness({ ENDORSEMENT_TEMPLATE_FILE: p });
    try {
      const res = await h.ingest(occurrence({ reference: '13/300001/26' }));
      const occurrenceId = res.body.results[0].id as string;
      await h.send(
        executeInvoke(
          'review.submit',
          { occurrenceId, expectedVersion: 0, ...ALL_YES, item_victims_code: 'no', note_victims_code: 'VPS' },
          'c',
        ),
      );
      const text = endorsementText(FakeConnector.card((await say(h, 'endorsement 13/300001/26')).replies[0]));
      expect(text).toBe(
        'HCC advice for 13/300001/26: STANDARD\n  1. ' +
          "Victims' Code: needs assessment done, victim support referral offered (2 working days, enhanced service), VPS offered: VPS - by Supervisor (DS Super), due Wed 25 Nov 2026 (3 working days)",
      );
    } finally {
      await h.close();
    }
  });
});

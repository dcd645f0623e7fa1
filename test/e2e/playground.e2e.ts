/**
 * The real-client suite: the bot in local mode, the Microsoft 365 Agents Playground pointed at it,
 * and headless Chromium using the Playground as Alex Wilber (alexw@example.com) would. Every step
 * asserts what is on screen and leaves a screenshot in test/e2e/artifacts/screenshots.
 *
 * The steps share one page (the Playground keeps its conversations in the page: a reload empties
 * them), so they run in order; each opens the conversation it needs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PlaygroundUi, WAIT_MS } from './playground-ui.js';
import { RMS_URL_TEMPLATE, startStack, type Stack } from './stack.js';

const BOT = 'Hate Crime Coordinator';
const HOUR = 3_600_000;
/** References unique to this run, shaped like the RMS's (13/NNNNNN/YY). */
const run = String(Date.now() % 1_000_000).padStart(6, '0');
const REF_NEW = `13/${run}/26`;
const REF_DUE = `14/${run}/26`;

/** A feed occurrence (docs/interfaces.md): a crime in Leeds, race strand, pseudonymous refs only. */
function occurrence(reference: string, overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    reference,
    recordedAs: 'crime',
    offence: 'Racially or religiously aggravated harassment',
    strands: ['race'],
    district: 'Leeds',
    location: { ref: `L-${reference}`, type: 'street' },
    victims: [{ ref: `P-V-${reference}`, enhanced: true }],
    suspects: [{ ref: `P-S-${reference}` }],
    summary: 'Victim verbally abused at a bus stop; no names in the feed.',
    oic: { upn: 'meganb@example.com', name: 'PC Megan Bowen' },
    ...overrides,
  };
}

describe('Agents Playground in headless Chromium', () => {
  let stack: Stack;
  let ui: PlaygroundUi;

  beforeAll(async () => {
    stack = await startStack();
    ui = await PlaygroundUi.open(stack.playgroundUrl);
  });

  afterEach(async ({ task }) => {
    if (task.result?.state !== 'fail' || !ui) return;
    const name = `FAILED-step-${task.name.split('.')[0]}`;
    await ui.screenshot(name).catch(() => undefined);
    await ui.saveHtml(name).catch(() => undefined);
  });

  afterAll(async () => {
    await ui?.close();
    await stack?.stop();
  });

  it('1. subscribe in the channel, then a flagged occurrence posted to the feed appears there as its review card', async () => {
    await ui.openConversation('General');
    await ui.postMentioningBot(BOT, 'subscribe');
    const reply = await ui.message(/now a review channel for every district/);
    await ui.screenshot('channel-subscribed', reply);

    const res = await stack.ingest(occurrence(REF_NEW, { flaggedAt: new Date().toISOString() }));
    expect(res.status).toBe(201);

    const card = await ui.message(`Hate crime review · ${REF_NEW}`);
    await card.getByText('awaiting HCC review').waitFor();
    await ui.screenshot('review-card-posted', card);
    expect(await card.getByText('Racially or religiously aggravated harassment').count()).toBe(1);
    // a channel has many viewers: the posted card is read-only, and Review asks for the form
    expect(await card.getByRole('button', { name: 'Review', exact: true }).count()).toBe(1);
    expect(await card.getByRole('button', { name: 'Submit review' }).count()).toBe(0);
    expect(await card.getByRole('combobox').count()).toBe(0);
    // the channel never shows the victim's or suspect's refs, nor the feed's summary
    await expect(card.innerText()).resolves.not.toMatch(/P-V-|P-S-|bus stop/);
  });

  it('2. Review opens the form for Alex (a coordinator); answered and graded high it is submitted, and the same card turns into the completed review', async () => {
    const card = await ui.message(`Hate crime review · ${REF_NEW}`);
    // Marks this message's element: after the submit the marked element itself must show the review.
    await card.evaluate((el) => el.setAttribute('data-e2e-card', 'review'));
    await card.getByRole('button', { name: 'Review', exact: true }).click();
    await card.getByRole('button', { name: 'Submit review' }).waitFor();
    await ui.screenshot('review-form-opened', card);
    const answers = card.getByRole('combobox', { name: /Answer/ });
    const items = await answers.count();
    expect(items).toBe(8);
    // compact: no note box shows until an item's Note button is pressed
    expect(await card.getByRole('textbox', { name: /^Note on item/ }).count()).toBe(0);
    for (let i = 0; i < items; i++) await ui.choose(answers.nth(i), i === 6 ? 'No – needs action' : 'Yes');
    await card.getByRole('button', { name: 'Note', exact: true }).nth(6).click();
    await card.getByRole('textbox', { name: 'Note on item 7' }).fill('Housing referral: PC Bowen to refer to the council by Friday');
    await card.getByRole('radio', { name: 'High' }).check();
    await card.getByRole('textbox', { name: /Rationale/ }).fill('Third incident at the same address; abuse escalating.');
    await ui.screenshot('review-filled-in', card.getByRole('button', { name: 'Submit review' }));
    await card.getByRole('button', { name: 'Submit review' }).click();

    const same = ui.page.locator('[data-e2e-card="review"]');
    await same.getByText('Risk grade: HIGH').waitFor();
    await ui.screenshot('review-completed', same);
    const text = await same.innerText();
    expect(text).toContain(`Hate crime review · ${REF_NEW}`);
    expect(text).toMatch(/Leeds · Race · reviewed/);
    expect(text).toMatch(/Reviewed by Alex Wilber/);
    expect(text).toContain('Rationale: Third incident at the same address; abuse escalating.');
    expect(text).toMatch(/Yes: 7 · No: 1 · N\/A: 0/);
    expect(text).toContain('Housing referral: PC Bowen to refer to the council by Friday');
    expect(text).toContain('High risk: the coordinator keeps the task.');
    expect(text).toMatch(/Review: High · Alex Wilber/); // the grade history
    // The high grade's follow-up tasks (issue 12 item 3), each tracked with its deadline.
    expect(text).toMatch(/High risk: MARAC referral considered \(made, or not needed and why\): due /);
    expect(text).toMatch(/High risk: partner support arranged: due /);
    expect(await same.getByRole('button', { name: 'Submit review' }).count()).toBe(0);
    expect(await same.getByRole('button', { name: 'Re-grade', exact: true }).count()).toBe(1);
    // updated in place: still one message for this occurrence in the channel
    expect(
      await ui
        .messages()
        .filter({ hasText: `Hate crime review · ${REF_NEW}` })
        .count(),
    ).toBe(1);
  });

  it("3. a due review's prompt arrives in Alex's personal chat and Done updates it", async () => {
    // Flagged 23 hours ago with Alex as supervisor: the supervisor's task review (24 h after the
    // flag) is due within REVIEW_PROMPT_LEAD_HOURS (2), so the next sweep sends its prompt.
    const flaggedAt = new Date(Date.now() - 23 * HOUR).toISOString();
    const res = await stack.ingest(occurrence(REF_DUE, { flaggedAt, supervisor: { upn: 'alexw@example.com', name: 'PS Alex Wilber' } }));
    expect(res.status).toBe(201);

    await ui.openConversation('Personal Chat');
    const prompt = await ui.message(`Review due · ${REF_DUE}`);
    await prompt.evaluate((el) => el.setAttribute('data-e2e-card', 'prompt'));
    await ui.screenshot('prompt-arrived', prompt);
    const before = await prompt.innerText();
    expect(before).toContain('Supervisor task review');
    expect(before).toContain('Victim verbally abused at a bus stop'); // the summary, in the owner's personal chat only

    await prompt.getByRole('button', { name: 'Done', exact: true }).click();
    await prompt.getByRole('textbox', { name: /Note/ }).fill('NCRS and VCC checked; referral made.');
    await prompt.getByRole('button', { name: 'Record as done' }).click();

    const same = ui.page.locator('[data-e2e-card="prompt"]');
    await same.getByText(`Review answered · ${REF_DUE}`).waitFor();
    await ui.screenshot('prompt-done', same);
    const after = await same.innerText();
    expect(after).toMatch(/Done by Alex Wilber/);
    expect(after).toContain('NCRS and VCC checked; referral made.');
    expect(await same.getByRole('button', { name: 'Done', exact: true }).count()).toBe(0);

    // The answer also reaches the occurrence's review card in the review channel.
    await ui.openConversation('General');
    const reviewCard = await ui.message(`Hate crime review · ${REF_DUE}`);
    await reviewCard.getByText(/✓ Supervisor task review.*done by Alex Wilber/).waitFor();
    await ui.screenshot('channel-card-shows-done', reviewCard);
  });

  it('4. `assign` opens the form; filled in and submitted it creates the action and shows its card', async () => {
    await ui.openConversation('Personal Chat');
    await ui.say('assign');
    const form = await ui.message('Assign a delivery-plan action');
    await form.evaluate((el) => el.setAttribute('data-e2e-card', 'assign'));
    await form.getByRole('textbox', { name: /Action/ }).fill('Publish the third party reporting centre list on the force website');
    await ui.choose(form.getByRole('combobox', { name: /Holder/ }), /^Me \(Alex Wilber\)/);
    await ui.choose(form.getByRole('combobox', { name: /Pillar/ }), 'Increasing reporting');
    await ui.screenshot('assign-form-filled', form);
    await form.getByRole('button', { name: 'Assign', exact: true }).click();

    const same = ui.page.locator('[data-e2e-card="assign"]');
    await same.getByText(/Assigned A1 to you/).waitFor();
    await ui.screenshot('action-card', same);
    const text = await same.innerText();
    expect(text).toContain('Publish the third party reporting centre list on the force website');
    expect(text).toContain('Increasing reporting');
    expect(text).toContain('Alex Wilber');
  });

  it('5. `summary` shows its chart as a loaded image', async () => {
    await ui.openConversation('Personal Chat');
    await ui.say('summary');
    const chart = ui.page.getByRole('img', { name: /Line chart of occurrences by strand per month/ });
    await chart.waitFor();
    // The project compiles without the DOM library: the page's <img> is read through the fields used here.
    type Img = { complete: boolean; naturalWidth: number; naturalHeight: number };
    await ui.page.waitForFunction(
      (img) => Boolean(img) && (img as unknown as Img).complete && (img as unknown as Img).naturalWidth > 0,
      await chart.elementHandle(),
      { timeout: WAIT_MS },
    );
    const size = await chart.evaluate((img) => ({ w: (img as unknown as Img).naturalWidth, h: (img as unknown as Img).naturalHeight }));
    expect(size.w).toBeGreaterThan(100);
    expect(size.h).toBeGreaterThan(50);
    await ui.screenshot('summary-chart', chart);
  });
  it('6. the completed card opens the occurrence in the records system and gives the endorsement text with its follow-up tasks', async () => {
    await ui.openConversation('General');
    const card = await ui.message(`Hate crime review · ${REF_NEW}`);
    await card.evaluate((el) => el.setAttribute('data-e2e-card', 'review-again'));
    // The Playground renders Action.OpenUrl as a link button titled with its address (it opens no tab headless).
    const link = card.getByRole('link', { name: 'Open in records system' });
    expect(await link.getAttribute('title')).toBe(RMS_URL_TEMPLATE.replace('{reference}', encodeURIComponent(REF_NEW)));

    await card.getByRole('button', { name: 'Endorsement text' }).click();
    const same = ui.page.locator('[data-e2e-card="review-again"]');
    await same.getByText(/Follow-up tasks: 2/).waitFor();
    await ui.screenshot('endorsement-text', same);
    const text = await same.innerText();
    expect(text).toContain(`HCC REVIEW - ${REF_NEW}`);
    expect(text).toContain('Risk grade: HIGH');
    expect(text).toMatch(/High risk: MARAC referral considered .*Hate Crime Coordinator, Leeds, due .*\(open\)/);
    await same.getByRole('button', { name: 'Back to the review card' }).click();
    await same.getByText('Risk grade: HIGH').waitFor();
  });

  it("7. the MARAC task's prompt arrives (no roster: in the review channel) and Done records the referral, shown on the review card", async () => {
    await ui.openConversation('General');
    // Due an hour after the grading (REVIEW_POLICY_FILE of the run), so within the prompt lead.
    const prompt = await ui.message(`Review due · ${REF_NEW}`);
    await prompt.evaluate((el) => el.setAttribute('data-e2e-card', 'marac'));
    await ui.screenshot('marac-prompt', prompt);
    expect(await prompt.innerText()).toContain('High risk: MARAC referral considered');
    await prompt.getByRole('button', { name: 'Done', exact: true }).click();
    await prompt.getByRole('radio', { name: 'Referral made' }).check();
    await prompt.getByRole('textbox', { name: /Note/ }).fill('Referred to the hate crime MARAC on 3 December.');
    await ui.screenshot('marac-done-form', prompt.getByRole('button', { name: 'Record as done' }));
    await prompt.getByRole('button', { name: 'Record as done' }).click();
    const same = ui.page.locator('[data-e2e-card="marac"]');
    await same.getByText(`Review answered · ${REF_NEW}`).waitFor();
    await ui.screenshot('marac-done', same);
    expect(await same.innerText()).toMatch(/Done \(Referral made\) by Alex Wilber/);
    const reviewCard = await ui.message(`Hate crime review · ${REF_NEW}`);
    await reviewCard.getByText(/✓ High risk: MARAC referral considered.*done \(Referral made\) by Alex Wilber/).waitFor();
    await ui.screenshot('review-card-marac-done', reviewCard);
  });

  it('8. loading a year of history leaves the review channel quiet; `digest now` lists only what was flagged since the last digest', async () => {
    await ui.openConversation('General');
    const before = await ui.messages().count();
    const history = Array.from({ length: 200 }, (_, i) =>
      occurrence(`15/${run}${String(i).padStart(3, '0')}/25`, {
        flaggedAt: new Date(Date.now() - (20 + i * 1.7) * 24 * HOUR).toISOString(),
        status: i % 3 === 0 ? 'closed' : 'open',
      }),
    );
    const res = await stack.ingest({ occurrences: history });
    expect(res.status).toBe(201);
    // A few sweeps (every 2 s) and outbox polls (every second): nothing may arrive.
    await ui.page.waitForTimeout(8000);
    expect(await ui.messages().count()).toBe(before);

    await ui.postMentioningBot(BOT, 'digest now');
    const digest = await ui.message(/Hate crime review digest/);
    await ui.screenshot('digest-now', digest);
    const text = await digest.innerText();
    // This run flagged two occurrences today; the 200 historical ones were flagged weeks to a year ago.
    expect(text).toContain('Flagged since the last digest: 2');
    expect(text).toContain(REF_NEW);
    expect(text).not.toContain(`15/${run}`);
    await ui.postMentioningBot(BOT, 'digest now');
    await ui.message(/Flagged since the last digest: 0/);
  });
});

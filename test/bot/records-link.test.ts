import { afterEach, describe, expect, it } from 'vitest';
import { FakeConnector, type ConnectorCall } from '../helpers/fake-connector.js';
import { bootHarness, channel, executeInvoke, message, occurrence, type Harness } from '../helpers/harness.js';
import { loadConfig } from '../../bot/config.js';
import { prompts, sweepAndSend } from '../schedule/helpers.js';
import { runDigest } from '../../jobs/digest.job.js';

const TEMPLATE = 'https://rms.example/occurrence/{reference}?view=full';
const REFERENCE = '13/204518/26';

/** The card's "Open in records system" actions (top level), as Teams would show them. */
/** Every Action.OpenUrl on a card, in its buttons or in the action sets of its rows. */
const openUrls = (call: ConnectorCall | undefined): { title: string; url: string }[] => {
  const found: { title: string; url: string }[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o.type === 'Action.OpenUrl') found.push(o as unknown as { title: string; url: string });
      else Object.values(o).forEach(walk);
    }
  };
  walk(FakeConnector.card(call) ?? null);
  return found;
};

describe('links from cards to the records system (RMS_URL_TEMPLATE)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** Subscribes the channel, ingests an occurrence flagged two days before the clock, and sweeps so prompts are due. */
  async function cardsFor(env: Record<string, string>) {
    h = await bootHarness(env);
    await h.send(message('subscribe'));
    const res = await h.ingest(occurrence({ reference: REFERENCE, flaggedAt: '2026-11-18T09:00:00+00:00' }));
    expect(res.status).toBe(201);
    await h.bot.dispatcher.drain();
    await sweepAndSend(h);
    const reviewCard = h.connector
      .posted(channel.id)
      .find((c) => JSON.stringify(FakeConnector.card(c) ?? '').includes('Hate crime review ·'));
    // nobody is known in Teams, so the owners' prompts come to the review channel (on one card)
    const [prompt] = prompts(h, REFERENCE, channel.id);
    expect(reviewCard).toBeDefined();
    expect(prompt).toBeDefined();
    return { reviewCard, prompt };
  }

  it('the review card and the prompt card open the occurrence in the records system, its reference URL-encoded', async () => {
    const { reviewCard, prompt } = await cardsFor({ RMS_URL_TEMPLATE: TEMPLATE });
    const expected = { title: 'Open in records system', url: 'https://rms.example/occurrence/13%2F204518%2F26?view=full' };
    expect(openUrls(reviewCard)).toEqual([expect.objectContaining(expected)]);
    // the task review and the referral came on one card listing both: each row links to the record
    expect(openUrls(prompt)).toEqual([expect.objectContaining(expected), expect.objectContaining(expected)]);
    // the reviewed card the coordinator gets back keeps the link
    const occurrenceId = (await h!.db.selectFrom('occurrences').select('id').where('reference', '=', REFERENCE).executeTakeFirstOrThrow())
      .id;
    const answers = Object.fromEntries(h!.config.checklist.map((i) => [`item_${i.key}`, 'yes']));
    const res = await h!.send(executeInvoke('review.submit', { occurrenceId, expectedVersion: 0, ...answers, riskGrade: 'standard' }, 'x'));
    expect(res.status).toBe(200);
    const reviewed = (res.body.value.actions as { type: string; url?: string }[]).filter((a) => a.type === 'Action.OpenUrl');
    expect(reviewed).toEqual([expect.objectContaining(expected)]);
  });

  it('the digest links each flagged occurrence to the records system, and names them plainly without the setting', async () => {
    // The digest lists what was flagged since the last digest (by flag time): one flagged an hour ago.
    const RECENT = '13/204519/26';
    const link = `[${RECENT}](https://rms.example/occurrence/13%2F204519%2F26?view=full)`;
    for (const [env, linked] of [
      [{ RMS_URL_TEMPLATE: TEMPLATE }, true],
      [{}, false],
    ] as const) {
      await cardsFor(env);
      expect((await h!.ingest(occurrence({ reference: RECENT, flaggedAt: '2026-11-20T09:00:00+00:00' }))).status).toBe(201);
      await runDigest({ db: h!.db, clock: h!.clock.now, kickOutbox: () => undefined });
      await h!.bot.dispatcher.drain();
      const digest = h!.connector.posted(channel.id).find((c) => JSON.stringify(c.body).includes('Hate crime review digest'));
      const text = JSON.stringify(FakeConnector.card(digest));
      expect(text).toContain(`• ${linked ? link : RECENT} · Crime`);
      if (!linked) expect(text).not.toContain('](');
      await h!.close();
      h = undefined;
    }
  });

  it('without the setting no card offers the link', async () => {
    const { reviewCard, prompt } = await cardsFor({});
    expect(openUrls(reviewCard)).toEqual([]);
    expect(openUrls(prompt)).toEqual([]);
    expect(JSON.stringify(FakeConnector.card(reviewCard))).not.toContain('records system"');
  });

  it('a template that is not an https URL with {reference} refuses to start, saying why', () => {
    expect(() => loadConfig({ RMS_URL_TEMPLATE: 'https://rms.example/occurrence' })).toThrow(
      /RMS_URL_TEMPLATE: must contain \{reference\}/,
    );
    expect(() => loadConfig({ RMS_URL_TEMPLATE: 'http://rms.example/o/{reference}' })).toThrow(
      /RMS_URL_TEMPLATE: must be an https:\/\/ URL \(http:\/\/ only for localhost\)/,
    );
    expect(() => loadConfig({ RMS_URL_TEMPLATE: 'javascript:alert({reference})' })).toThrow(/RMS_URL_TEMPLATE: must be an https/);
    expect(() => loadConfig({ RMS_URL_TEMPLATE: 'rms/{reference}' })).toThrow(/RMS_URL_TEMPLATE: must be a URL/);
    expect(loadConfig({ RMS_URL_TEMPLATE: 'http://localhost:8080/o/{reference}' }).rmsUrlTemplate).toBe(
      'http://localhost:8080/o/{reference}',
    );
    expect(loadConfig({}).rmsUrlTemplate).toBeNull();
  });
});

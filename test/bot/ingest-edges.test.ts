import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootHarness, occurrence, TEST_KEY, type Harness } from '../helpers/harness.js';

const MINUTE = 60_000;

describe('occurrence feed edge cases (docs/contracts.md: 400 with { errors: [{ path, message }] }, nothing written)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  const stored = async () => (await h.db.selectFrom('occurrences').select('reference').execute()).map((r) => r.reference);
  /** The harness clock plus `ms`, spelt as the RMS would send it. */
  const fromNow = (ms: number) => new Date(h.clock.now().getTime() + ms).toISOString().replace('Z', '+00:00');

  it('malformed JSON gets the contract shape: { errors: [{ path, message }] } and nothing else', async () => {
    const before = await stored();
    for (const body of ['{"reference": "13/1/26",', '{"occurrences": [}', 'reference=13/1/26']) {
      const res = await fetch(`${h.bot.url}/api/occurrences`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}` },
        body,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ errors: [{ path: '(body)', message: expect.stringMatching(/not valid JSON/) }] });
    }
    expect(await stored()).toEqual(before);
  });

  it('a flaggedAt more than 5 minutes in the future is refused at flaggedAt, nothing written', async () => {
    const occ = occurrence({ flaggedAt: fromNow(6 * MINUTE) });
    const res = await h.ingest(occ);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ path: 'flaggedAt', message: expect.stringMatching(/must not be in the future/) }] });
    expect(await stored()).not.toContain(occ.reference);
  });

  it('in a batch the refusal names the item, and the valid items beside it are not written either', async () => {
    const good = occurrence();
    const future = occurrence({ flaggedAt: '2027-11-20T09:30:00+00:00' });
    const res = await h.ingest({ occurrences: [good, future] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'occurrences.1.flaggedAt', message: expect.stringMatching(/must not be in the future/) }]);
    expect(await stored()).not.toContain(good.reference);
  });

  it('up to 5 minutes ahead (clock skew) is accepted, judged against the clock when the request arrives', async () => {
    const skewed = occurrence({ flaggedAt: fromNow(4 * MINUTE) });
    expect((await h.ingest(skewed)).status).toBe(201);
    const later = occurrence({ flaggedAt: fromNow(20 * MINUTE) });
    expect((await h.ingest(later)).status).toBe(400);
    h.clock.advance(16 * MINUTE);
    expect((await h.ingest(later)).status).toBe(201);
    expect(await stored()).toEqual(expect.arrayContaining([skewed.reference, later.reference]));
  });
});

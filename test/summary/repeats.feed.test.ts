import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summaryFor } from '../../db/summary/summary.service.js';
import { bootHarness, occurrence, type Harness } from '../helpers/harness.js';
import { DAY, runJob } from '../retention/helpers.js';
import { actors, settings } from './helpers.js';

// Repeat counts are kept per reference as the feed writes (migration 2026-11-29T12): a force-wide
// summary must still see every change the feed or the retention job makes to who was involved where.
describe('force-wide repeat counts follow feed updates and retention erasure', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
  });
  afterEach(async () => h.close());

  const repeats = async () => {
    const r = await summaryFor(
      h.db,
      { actor: actors.force, periodText: 'year to date', district: null, reason: 'test', destination: null },
      settings,
      h.clock.current,
    );
    return { victims: r.repeats.victims, suspects: r.repeats.suspects, locations: r.repeats.locations };
  };
  const shared = { victims: [{ ref: 'V-1' }], suspects: [{ ref: 'S-1' }], location: { ref: 'L-1', type: 'street' } };
  const post = async (o: Record<string, unknown>, status = 201) => expect((await h.ingest(o)).status).toBe(status);

  it('a re-sent occurrence that changes its people, location or flag time changes the repeats', async () => {
    const a = occurrence({ ...shared, flaggedAt: '2026-11-10T09:00:00Z' });
    const b = occurrence({ ...shared, flaggedAt: '2026-11-12T09:00:00Z' });
    await post(a);
    await post(b);
    expect(await repeats()).toEqual({ victims: 1, suspects: 1, locations: 1 });

    // The RMS corrects b: another victim, no suspect, another place.
    await post({ ...b, victims: [{ ref: 'V-2' }], suspects: [], location: { ref: 'L-2', type: 'street' } }, 200);
    expect(await repeats()).toEqual({ victims: 0, suspects: 0, locations: 0 });

    // Back to the same people and place, but flagged before the 12-month window.
    await post({ ...b, flaggedAt: '2025-06-01T09:00:00Z' }, 200);
    expect(await repeats()).toEqual({ victims: 0, suspects: 0, locations: 0 });

    // Flagged within the window again (before the period: a repeat still counts once).
    await post({ ...b, flaggedAt: '2025-12-01T09:00:00Z' }, 200);
    expect(await repeats()).toEqual({ victims: 1, suspects: 1, locations: 1 });
  });

  it('an erased closed occurrence and erased NCHI subject refs no longer make a repeat', async () => {
    const a = occurrence({ ...shared, flaggedAt: '2026-11-01T09:00:00Z' });
    const b = occurrence({ ...shared, flaggedAt: '2026-11-02T09:00:00Z' });
    const nchi = occurrence({ recordedAs: 'nchi', offence: undefined, flaggedAt: '2026-11-03T09:00:00Z', suspects: [{ ref: 'S-9' }] });
    const c = occurrence({ flaggedAt: '2026-11-04T09:00:00Z', suspects: [{ ref: 'S-9' }] });
    for (const o of [a, b, nchi, c]) await post(o);
    expect(await repeats()).toEqual({ victims: 1, suspects: 2, locations: 1 });

    await post({ ...a, status: 'closed', outcome: 'Charged' }, 200);
    h.clock.advance(2 * DAY);
    // Closed over a day ago and flagged over 10 days ago: a is erased, and the NCHI's subject ref.
    const result = await runJob(h, { closedOccurrenceDays: 1, nchiSubjectDays: 10 });
    expect(result).toMatchObject({ closedOccurrences: 1 });
    expect(await repeats()).toEqual({ victims: 0, suspects: 0, locations: 0 });
  });
});

/**
 * The access rule inside the services (a caller that skips the handler's check is still refused)
 * and the known-district list that command districts are checked against.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canUnsubscribe, knownDistrict, knownDistricts } from '../../db/access/access.service.js';
import { saveConversationReference, subscribe } from '../../db/conversations/conversations.service.js';
import { ForbiddenError, ValidationError } from '../../db/errors.js';
import { submitReviewCard } from '../../db/reviews/review-card.service.js';
import { DEFAULT_CHECKLIST } from '../../db/reviews/reviews.service.js';
import { bootHarness, type Harness } from '../helpers/harness.js';
import { seed, type Seeded } from './helpers.js';

const leedsCoordinator = {
  userId: null,
  name: 'HCC Leeds',
  upn: 'hcc.leeds@force.police.uk',
  label: 'user:test',
  roles: ['coordinator'],
  districts: ['Leeds'],
};

describe('need to know inside the services', () => {
  let h: Harness;
  let s: Seeded;
  beforeAll(async () => {
    h = await bootHarness();
    s = await seed(h);
  });
  afterAll(async () => h.close());

  it("the review card's submit refuses a coordinator of another district and writes nothing", async () => {
    const answers = {
      decisions: DEFAULT_CHECKLIST.map((i) => ({ itemKey: i.key, decision: 'yes' as const, note: null })),
      riskGrade: 'standard',
      riskRationale: null,
    };
    const input = {
      occurrenceId: s.bradford,
      expectedVersion: 0,
      answers,
      checklist: DEFAULT_CHECKLIST,
      repeat: { windowMonths: 12, minOccurrences: 2 },
      nchiPolicy: 'code-2023' as const,
      schedule: h.config.schedule,
      reviewer: { ...leedsCoordinator },
      now: h.clock.now(),
    };
    await expect(submitReviewCard(h.db, input)).rejects.toThrow(ForbiddenError);
    await expect(submitReviewCard(h.db, input)).rejects.toThrow('only a coordinator for Bradford can submit the HCC review');
    expect(await h.db.selectFrom('reviews').selectAll().execute()).toHaveLength(0);
    const saved = await submitReviewCard(h.db, { ...input, occurrenceId: s.leeds });
    expect(saved.status).toBe('saved');
  });

  it('subscribe refuses a district outside the actor’s, and every district unless force-wide', async () => {
    const actor = { id: null, label: 'user:test', roles: ['coordinator'], districts: ['Leeds'] };
    await saveConversationReference(h.db, { id: 'conv-1', conversationType: 'channel', tenantId: null, name: null, reference: {} });
    await expect(subscribe(h.db, 'conv-1', 'Bradford', actor)).rejects.toThrow('only a coordinator for Bradford');
    await expect(subscribe(h.db, 'conv-1', null, actor)).rejects.toThrow(ForbiddenError);
    expect(await h.db.selectFrom('review_subscriptions').selectAll().execute()).toHaveLength(0);
    expect(await subscribe(h.db, 'conv-1', null, { ...actor, districts: ['*'] })).toEqual(['*']);
  });

  it('unsubscribe needs a coordinator covering every district the conversation receives (or an admin)', () => {
    const a = { ...leedsCoordinator };
    expect(canUnsubscribe(a, ['Leeds']).ok).toBe(true);
    expect(canUnsubscribe(a, ['Leeds', 'Bradford'])).toEqual({
      ok: false,
      why: 'this conversation also receives Bradford, which only a coordinator for it can stop',
    });
    expect(canUnsubscribe(a, ['*']).ok).toBe(false);
    expect(canUnsubscribe({ ...a, roles: ['admin'], districts: [] }, ['*']).ok).toBe(true);
    expect(canUnsubscribe({ ...a, roles: ['manager'] }, ['Leeds']).ok).toBe(false);
  });

  it('known districts come from occurrences and the roster, without `*`, one spelling each', async () => {
    await h.db
      .insertInto('users')
      .values({
        upn: 'x@force.police.uk',
        name: 'X',
        roles: ['manager'],
        districts: ['Kirklees', 'LEEDS'],
        on_roster: true,
        teams_id: null,
        aad_object_id: null,
      })
      .execute();
    expect(await knownDistricts(h.db)).toEqual(['Bradford', 'Kirklees', 'Leeds']);
    expect(await knownDistrict(h.db, ' kirklees ')).toBe('Kirklees');
    await expect(knownDistrict(h.db, 'Leds')).rejects.toThrow(ValidationError);
    await expect(knownDistrict(h.db, 'Leds')).rejects.toThrow(
      'I don\'t know the district "Leds". Known districts: Bradford, Kirklees, Leeds.',
    );
  });
});

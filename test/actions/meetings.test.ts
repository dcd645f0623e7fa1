import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPlan } from '../../db/actions/plan.service.js';
import { systemActor } from '../../db/access/access.policy.js';
import { bootHarness, type Harness } from '../helpers/harness.js';
import { say } from '../helpers/teams.js';
import { counts, registerMembers } from './helpers.js';

const OXFORD = readFileSync(new URL('./fixtures/oxford-plan.csv', import.meta.url), 'utf8');

describe('meetings and the meeting pack', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await bootHarness();
    registerMembers(h);
    await importPlan(h.db, OXFORD, systemActor('Plan import', 'system:test'), new Date('2026-10-01T10:00:00Z'));
  });
  afterEach(async () => h.close());

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

import { describe, expect, it } from 'vitest';
import { addWorkingDays, DEFAULT_REVIEW_POLICY } from '../../db/schedule/schedule.service.js';
import { planReviews } from '../../db/schedule/schedule.policy.js';
import { nextEvent, nextStepAt } from '../../db/schedule/schedule.steps.js';

const iso = (d: Date) => d.toISOString();
const plan = (o: Partial<Parameters<typeof planReviews>[0]>, horizon = new Date('2026-04-30T00:00:00Z')) =>
  planReviews(
    {
      recordedAs: 'crime',
      status: 'open',
      flaggedAt: new Date('2026-03-25T10:00:00Z'),
      allocatedAt: null,
      closedAt: null,
      victimSatisfied: null,
      ...o,
    },
    DEFAULT_REVIEW_POLICY,
    horizon,
  );

describe('review cadence (docs/domain.md defaults)', () => {
  it('counts working days past weekends and the Christmas bank holidays of England and Wales (Boxing Day substitute)', () => {
    // Thu 24 Dec 2026 10:00 + 2 working days: Fri 25 (Christmas), weekend, Mon 28 (Boxing Day substitute) → Tue 29, Wed 30
    expect(iso(addWorkingDays(new Date('2026-12-24T10:00:00Z'), 2))).toBe('2026-12-30T10:00:00.000Z');
    // Fri 14:00 + 2 working days = Tue 14:00
    expect(iso(addWorkingDays(new Date('2026-11-20T14:00:00Z'), 2))).toBe('2026-11-24T14:00:00.000Z');
    // Easter: Thu 2 Apr 2026 + 1 = Tue 7 Apr (Good Friday and Easter Monday skipped), keeping 09:00 BST
    expect(iso(addWorkingDays(new Date('2026-04-02T08:00:00Z'), 1))).toBe('2026-04-07T08:00:00.000Z');
  });

  it('keeps an early-morning working-day deadline at its London time across the night the clocks go forward', () => {
    // Fri 27 Mar 2026 01:30 GMT + 1 working day = Mon 30 Mar 01:30 BST (00:30 UTC), not 02:30 BST:
    // the hour lost on Sunday 29 March is not a working day's business.
    expect(iso(addWorkingDays(new Date('2026-03-27T01:30:00Z'), 1))).toBe('2026-03-30T00:30:00.000Z');
  });

  it('plans a year-old occurrence from the backfill cutoff on: its past monthly reviews are not planned at all', () => {
    const flaggedAt = new Date('2025-11-20T10:00:00Z');
    const cutoff = { after: new Date('2026-11-20T11:00:00Z'), inclusive: false };
    const history = planReviews(
      { recordedAs: 'crime', status: 'open', flaggedAt, allocatedAt: null, closedAt: null, victimSatisfied: null },
      DEFAULT_REVIEW_POLICY,
      new Date('2026-12-21T00:00:00Z'),
      cutoff,
    );
    // Only the next month's review (20 Dec) and the one after the horizon are left; nothing due before the cutoff.
    expect(history.map((p) => `${p.kind}#${p.seq} ${iso(p.dueAt)}`)).toEqual([
      'monthly_review#13 2026-12-20T10:00:00.000Z',
      'monthly_review#14 2027-01-20T10:00:00.000Z',
    ]);
  });

  it('keeps the local time over the BST/GMT changes for day-based deadlines, and elapsed time for hour-based ones', () => {
    const spring = plan({ flaggedAt: new Date('2026-03-28T10:00:00Z') }); // Sat 10:00 GMT, BST starts Sun 29 Mar
    const task = spring.find((p) => p.kind === 'task_review')!;
    expect(iso(task.dueAt)).toBe('2026-03-29T10:00:00.000Z'); // 24 elapsed hours: 11:00 BST
    const spoc = plan({ flaggedAt: new Date('2026-03-25T10:00:00Z') }).find((p) => p.kind === 'coordinator_review')!;
    expect(iso(spoc.dueAt)).toBe('2026-04-04T09:00:00.000Z'); // 10 days later, still 10:00 local (BST)
    const autumn = plan({ flaggedAt: new Date('2026-10-24T11:00:00Z') }, new Date('2026-11-30T00:00:00Z')).find(
      (p) => p.kind === 'coordinator_review',
    )!;
    expect(iso(autumn.dueAt)).toBe('2026-11-03T12:00:00.000Z'); // 12:00 BST → 12:00 GMT
  });

  it('plans victim contact only once allocated, the referral for crimes only, monthly reviews while open and the closure call once closed', () => {
    const open = plan({});
    // monthly reviews up to the first one beyond the horizon (25 Apr, 25 May)
    expect(open.map((p) => p.kind).sort()).toEqual([
      'coordinator_review',
      'monthly_review',
      'monthly_review',
      'task_review',
      'victim_support_referral',
    ]);
    const allocated = plan({ allocatedAt: new Date('2026-03-25T12:00:00Z') });
    expect(allocated.find((p) => p.kind === 'victim_contact')?.ownerRole).toBe('supervisor');
    expect(plan({ recordedAs: 'nchi' }).some((p) => p.kind === 'victim_support_referral')).toBe(false);
    const closed = plan({ status: 'closed', closedAt: new Date('2026-04-10T16:00:00Z') });
    expect(closed.some((p) => p.kind === 'monthly_review')).toBe(false);
    expect(iso(closed.find((p) => p.kind === 'closure_call')!.dueAt)).toBe('2026-04-13T16:00:00.000Z'); // Fri 17:00 BST → Mon 17:00 BST
  });
});

describe('escalation steps', () => {
  const t = { leadHours: 2, supervisorHours: 24, channelHours: 48 };
  const due = new Date('2026-11-20T12:00:00Z');
  const at = (h: number) => new Date(due.getTime() + h * 3_600_000);

  it('prompts when due, chases at the deadline, escalates at 24h and 48h, each once', () => {
    expect(nextEvent(due, 0, null, at(-3), t)).toBeNull();
    expect(nextEvent(due, 0, null, at(-2), t)).toMatchObject({ event: 'prompt', step: 1 });
    expect(nextEvent(due, 1, null, at(0), t)).toMatchObject({ event: 'chase', step: 2 });
    expect(nextEvent(due, 2, null, at(23), t)).toBeNull();
    expect(nextEvent(due, 2, null, at(24), t)).toMatchObject({ event: 'escalate_supervisor', step: 3 });
    expect(nextEvent(due, 3, null, at(48), t)).toMatchObject({ event: 'escalate_channel', step: 4 });
    expect(nextEvent(due, 4, null, at(100), t)).toBeNull();
    expect(nextStepAt(due, 4, null, t)).toBeNull();
  });

  it('sends the chase, not a prompt as well, when first seen past the deadline', () => {
    expect(nextEvent(due, 0, null, at(1), t)).toMatchObject({ event: 'chase', step: 2 });
  });

  it('a snooze holds back the owner steps but never the escalations', () => {
    const until = at(4);
    expect(iso(nextStepAt(due, 1, until, t)!)).toBe(iso(until));
    expect(nextEvent(due, 1, until, at(1), t)).toBeNull();
    expect(nextEvent(due, 1, until, until, t)).toMatchObject({ event: 'snoozed', step: 2, clearSnooze: true });
    // snoozed past the supervisor escalation: the escalation still goes at 24h
    const long = at(30);
    expect(nextEvent(due, 1, long, at(24), t)).toMatchObject({ event: 'escalate_supervisor', step: 3 });
  });
});

import { describe, expect, it } from 'vitest';
import { isOverdue } from '../../db/actions/actions.model.js';
import { nextInSeries } from '../../db/meetings/meetings.service.js';

describe('meeting series and overdue actions', () => {
  it('a monthly series on the 31st keeps to the month end it started on, not the 28th for good', () => {
    const first = new Date('2027-01-31T10:00:00Z'); // 10:00 GMT
    const feb = nextInSeries(first, 'monthly', first)!;
    expect(feb.toISOString()).toBe('2027-02-28T10:00:00.000Z');
    const mar = nextInSeries(feb, 'monthly', first)!;
    expect(mar.toISOString()).toBe('2027-03-31T09:00:00.000Z'); // 10:00 BST
    expect(nextInSeries(mar, 'quarterly', first)!.toISOString()).toBe('2027-04-30T09:00:00.000Z');
    expect(nextInSeries(first, 'once', first)).toBeNull();
  });

  it('overdue means past due while not started or in progress; BAU and finished actions never are', () => {
    const today = '2026-11-20';
    expect(isOverdue({ dueDate: '2026-11-19', status: 'in_progress' }, today)).toBe(true);
    expect(isOverdue({ dueDate: '2026-11-20', status: 'not_started' }, today)).toBe(false);
    expect(isOverdue({ dueDate: '2026-11-01', status: 'bau' }, today)).toBe(false);
    expect(isOverdue({ dueDate: '2026-11-01', status: 'completed' }, today)).toBe(false);
    expect(isOverdue({ dueDate: null, status: 'not_started' }, today)).toBe(false);
  });
});

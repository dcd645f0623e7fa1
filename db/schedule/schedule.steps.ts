import { inLondon } from '../time/london-time.js';
/**
 * Escalation steps of a scheduled review, each sent once (issue 3): 1 prompt to the owner when
 * the review falls due (`leadHours` before the deadline), 2 chase to the owner at the deadline,
 * 3 to the owner's supervisor `supervisorHours` overdue, 4 to the review channel `channelHours`
 * overdue. A snooze holds back the owner's steps (1-2) until it ends, never the escalations.
 */
export interface StepTiming {
  leadHours: number;
  supervisorHours: number;
  channelHours: number;
}

export const STEP_NAMES = ['', 'prompt', 'chase', 'escalate_supervisor', 'escalate_channel'] as const;
export type StepName = Exclude<(typeof STEP_NAMES)[number], ''> | 'snoozed';

/** Nominal time of step k (1-4) for a review due at `due`. */
export function stepTime(due: Date, k: number, t: StepTiming): Date {
  const h = k === 1 ? -t.leadHours : k === 2 ? 0 : k === 3 ? t.supervisorHours : t.channelHours;
  return new Date(due.getTime() + h * 3_600_000);
}

/** When the sweep must next look at a review that has sent `step` steps, or null when nothing is left. */
export function nextStepAt(due: Date, step: number, snoozedUntil: Date | null, t: StepTiming): Date | null {
  const candidates: Date[] = [];
  if (snoozedUntil) candidates.push(snoozedUntil);
  for (let k = step + 1; k <= 4; k++) {
    if (snoozedUntil && k <= 2) continue;
    candidates.push(stepTime(due, k, t));
    break;
  }
  if (candidates.length === 0) return null;
  return new Date(Math.min(...candidates.map((d) => d.getTime())));
}

/**
 * What the sweep does for a review whose `next_step_at` has come: the snoozed prompt comes back,
 * or the next step is sent (owner steps skipped while snoozed). Returns the event and the new step.
 */
export function nextEvent(
  due: Date,
  step: number,
  snoozedUntil: Date | null,
  now: Date,
  t: StepTiming,
): { event: StepName; step: number; clearSnooze: boolean } | null {
  if (snoozedUntil && snoozedUntil <= now) return { event: 'snoozed', step: Math.max(step, 2), clearSnooze: true };
  let k = step + 1;
  if (snoozedUntil && k <= 2) k = 3;
  // Already past the deadline: the owner gets the chase, not a "falls due" prompt as well.
  if (k === 1 && stepTime(due, 2, t) <= now) k = 2;
  if (k > 4 || stepTime(due, k, t) > now) return null;
  return { event: STEP_NAMES[k] as StepName, step: k, clearSnooze: false };
}

/** A snooze choice on a prompt card. */
export type SnoozeChoice = '1h' | '4h' | 'tomorrow';

/** When a snooze ends: 1 hour, 4 hours, or tomorrow 09:00 Europe/London (issue 3, item 3). */
export function snoozeUntil(choice: SnoozeChoice, now: Date): Date {
  if (choice === '1h') return new Date(now.getTime() + 3_600_000);
  if (choice === '4h') return new Date(now.getTime() + 4 * 3_600_000);
  return inLondon(now).plus({ days: 1 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 }).toJSDate();
}

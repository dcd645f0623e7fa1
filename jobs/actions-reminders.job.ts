import { queueActionReminders, type ReminderConfig } from '../db/actions/reminders.service.js';
import type { JobContext } from './job.types.js';

/**
 * One run of the delivery-plan reminders (issue 4): update prompts and nudges before the next
 * tactical meeting, and overdue chases, queued in the outbox (never twice). Callable from tests
 * with an injected clock. @returns messages newly queued
 */
export async function runActionReminders(ctx: JobContext, reminders: ReminderConfig): Promise<number> {
  const n = (await queueActionReminders(ctx.db, reminders, ctx.clock())).messages;
  if (n > 0) ctx.kickOutbox();
  return n;
}

import type { Kysely } from 'kysely';
import { renderActionCard } from '../cards/action.card.js';
import { queueActionReminders, type ActionReminder, type ReminderConfig } from '../db/actions/reminders.service.js';
import type { Database } from '../db/schema.js';

/** Renders a holder reminder (update request, nudge, overdue chase) as the action card, answerable inline. */
export function renderReminder(r: ActionReminder): Record<string, unknown> {
  return renderActionCard({ detail: r.detail, mode: r.kind, now: r.now, meeting: r.meeting, unreachable: r.unreachable, editable: true });
}

/**
 * One run of the delivery-plan reminders (issue 4): update prompts and nudges before the next
 * tactical meeting, and overdue chases, queued in the outbox (never twice). Callable from tests
 * with an injected clock. @returns messages newly queued
 */
export async function runActionReminders(deps: { db: Kysely<Database>; clock: () => Date; kickOutbox: () => void; config: { actions: ReminderConfig } }): Promise<number> {
  const n = await queueActionReminders(deps.db, deps.config.actions, deps.clock(), renderReminder);
  if (n > 0) deps.kickOutbox();
  return n;
}

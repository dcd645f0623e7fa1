/**
 * Partnership meetings vocabulary (docs/domain.md "Delivery plan, actions and meetings"; seed 001
 * appendices A and B, seed 003). Pure: no I/O.
 */

/** Meeting kinds (docs/domain.md) and their default recurrence. */
export const MEETING_KINDS = ['tactical', 'strategic', 'case-management', 'scrutiny'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const RECURRENCES = ['monthly', 'quarterly', 'once'] as const;
export type Recurrence = (typeof RECURRENCES)[number];
export const DEFAULT_RECURRENCE: Record<MeetingKind, Recurrence> = {
  tactical: 'monthly',
  strategic: 'quarterly',
  'case-management': 'monthly',
  scrutiny: 'once',
};
export const MEETING_TITLES: Record<MeetingKind, string> = {
  tactical: 'Hate Crime Monthly Tactical Meeting',
  strategic: 'Hate Crime Strategic Group Meeting',
  'case-management': 'Multi-agency Case Management Group',
  scrutiny: 'Hate Crime Scrutiny Panel',
};

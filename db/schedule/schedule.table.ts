import type { Generated, Selectable } from 'kysely';

export interface ScheduledReviewsTable {
  id: Generated<string>;
  occurrence_id: string;
  kind: string;
  seq: number;
  owner_role: string;
  due_at: Date;
  status: Generated<'pending' | 'done' | 'not_applicable' | 'cancelled'>;
  outcome: string | null;
  note: string | null;
  /** The support service a referral went to (migration 2026-11-29T14). */
  service: Generated<string | null>;
  /** The investigation event a `victim_update` review is about (migration 2026-11-29T15); null for other kinds. */
  event_type: Generated<string | null>;
  event_at: Generated<Date | null>;
  completed_by: string | null;
  completed_by_name: string | null;
  completed_at: Date | null;
  step: Generated<number>;
  next_step_at: Date | null;
  snoozed_until: Date | null;
  snooze_count: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type ScheduledReviewRow = Selectable<ScheduledReviewsTable>;

export interface PromptPostsTable {
  conversation_id: string;
  activity_id: string;
  scheduled_review_id: string;
  posted_at: Generated<Date>;
}

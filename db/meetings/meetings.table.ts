import type { Generated, Selectable } from 'kysely';

export interface MeetingsTable {
  id: Generated<string>;
  kind: string;
  starts_at: Date;
  recurrence: string | null;
  series_id: string | null;
  conversation_id: string | null;
  created_by: string | null;
  pack_posted_at: Date | null;
  /** When this meeting's update prompts were queued (injected clock); null until then. */
  prompts_sent_at: Date | null;
  created_at: Generated<Date>;
}
export type MeetingRow = Selectable<MeetingsTable>;

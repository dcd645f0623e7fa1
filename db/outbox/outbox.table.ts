import type { ColumnType, Generated, Selectable } from 'kysely';

export interface OutboxTable {
  id: ColumnType<string, never, never>;
  dedupe_key: string;
  kind: string;
  conversation_id: string;
  payload: ColumnType<unknown, string, string>;
  status: Generated<'pending' | 'sending' | 'sent' | 'dead' | 'skipped'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  claimed_by: string | null;
  claimed_until: Date | null;
  last_error: string | null;
  result_activity_id: string | null;
  created_at: Generated<Date>;
  sent_at: Date | null;
}
export type OutboxRow = Selectable<OutboxTable>;

import type { ColumnType, Generated, Selectable } from 'kysely';

export interface ConversationsTable {
  id: string;
  conversation_type: string;
  tenant_id: string | null;
  name: string | null;
  /** botbuilder ConversationReference, stored as JSON text on write. */
  reference: ColumnType<unknown, string, string>;
  active: Generated<boolean>;
  /** Teams id of the user of a personal chat (null for channels and group chats). */
  user_teams_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type ConversationRow = Selectable<ConversationsTable>;

export interface ReviewSubscriptionsTable {
  conversation_id: string;
  /** A district name, or '*' for every district. */
  district: string;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface CardPostsTable {
  conversation_id: string;
  activity_id: string;
  occurrence_id: string;
  posted_at: Generated<Date>;
}

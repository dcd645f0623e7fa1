import type { Kysely, Transaction } from 'kysely';
import type { ActionUpdatesTable, ActionsTable } from './actions/actions.table.js';
import type { MeetingsTable } from './meetings/meetings.table.js';
import type { AuditLogTable } from './audit/audit.table.js';
import type { CardPostsTable, ConversationsTable, ReviewSubscriptionsTable } from './conversations/conversations.table.js';
import type { OccurrenceEventsTable, OccurrencePeopleTable, OccurrencesTable, RepeatLinksTable } from './occurrences/occurrences.table.js';
import type { OutboxTable } from './outbox/outbox.table.js';
import type { ReviewDecisionsTable, ReviewsTable } from './reviews/reviews.table.js';
import type { PromptPostsTable, ScheduledReviewsTable } from './schedule/schedule.table.js';
import type { UsersTable } from './users/users.table.js';
import type { SummaryExportsTable } from './summary/summary.table.js';
import type { DocumentsTable } from './documents/documents.table.js';

/** Every table the bot owns, keyed by SQL name. */
export interface Database {
  users: UsersTable;
  conversations: ConversationsTable;
  review_subscriptions: ReviewSubscriptionsTable;
  card_posts: CardPostsTable;
  occurrences: OccurrencesTable;
  occurrence_people: OccurrencePeopleTable;
  occurrence_events: OccurrenceEventsTable;
  repeat_links: RepeatLinksTable;
  reviews: ReviewsTable;
  review_decisions: ReviewDecisionsTable;
  outbox: OutboxTable;
  audit_log: AuditLogTable;
  scheduled_reviews: ScheduledReviewsTable;
  prompt_posts: PromptPostsTable;
  meetings: MeetingsTable;
  actions: ActionsTable;
  action_updates: ActionUpdatesTable;
  summary_exports: SummaryExportsTable;
  documents: DocumentsTable;
}

/** A connection or an open transaction: repositories accept either. */
export type Db = Kysely<Database> | Transaction<Database>;

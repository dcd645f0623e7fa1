import { sql, type Kysely } from 'kysely';

/** Issue 3: scheduled reviews with escalation steps, prompt posts, closure time, personal chats. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('occurrences').addColumn('closed_at', 'timestamptz').execute();
  await db.schema.alterTable('conversations').addColumn('user_teams_id', 'text').execute();
  await sql`create index conversations_personal_user_idx on conversations (user_teams_id) where conversation_type = 'personal'`.execute(db);

  await db.schema
    .createTable('scheduled_reviews')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('occurrence_id', 'uuid', (c) => c.notNull().references('occurrences.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('owner_role', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('outcome', 'text')
    .addColumn('note', 'text')
    .addColumn('completed_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('completed_by_name', 'text')
    .addColumn('completed_at', 'timestamptz')
    .addColumn('step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_step_at', 'timestamptz')
    .addColumn('snoozed_until', 'timestamptz')
    .addColumn('snooze_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('scheduled_reviews_kind_uq', ['occurrence_id', 'kind', 'seq'])
    .execute();
  // The sweep reads only rows whose next step is due: its cost follows the due count, not the total.
  await sql`create index scheduled_reviews_next_step_idx on scheduled_reviews (next_step_at) where status = 'pending'`.execute(db);
  await sql`create index scheduled_reviews_due_idx on scheduled_reviews (due_at) where status = 'pending'`.execute(db);

  await db.schema
    .createTable('prompt_posts')
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('scheduled_review_id', 'uuid', (c) => c.notNull().references('scheduled_reviews.id').onDelete('cascade'))
    .addColumn('posted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('prompt_posts_pk', ['conversation_id', 'activity_id'])
    .execute();
  await db.schema.createIndex('prompt_posts_review_idx').on('prompt_posts').column('scheduled_review_id').execute();
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('prompt_posts').ifExists().execute();
  await db.schema.dropTable('scheduled_reviews').ifExists().execute();
  await db.schema.alterTable('conversations').dropColumn('user_teams_id').execute();
  await db.schema.alterTable('occurrences').dropColumn('closed_at').execute();
}

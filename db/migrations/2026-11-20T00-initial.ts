import { sql, type Kysely } from 'kysely';

/** Users, conversations, occurrences, reviews, card posts, outbox and the append-only audit log (issue 2). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('teams_id', 'text', (c) => c.unique())
    .addColumn('aad_object_id', 'text', (c) => c.unique())
    .addColumn('upn', 'text', (c) => c.unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('roles', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('districts', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('on_roster', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_type', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('name', 'text')
    .addColumn('reference', 'jsonb', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('review_subscriptions')
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('review_subscriptions_pk', ['conversation_id', 'district'])
    .execute();

  await db.schema
    .createTable('occurrences')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('recorded_as', 'text', (c) => c.notNull())
    .addColumn('offence', 'text')
    .addColumn('strands', sql`text[]`, (c) => c.notNull())
    .addColumn('flagged_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reported_at', 'timestamptz')
    .addColumn('occurred_at', 'timestamptz')
    .addColumn('allocated_at', 'timestamptz')
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('location_ref', 'text')
    .addColumn('location_type', 'text')
    .addColumn('location_description', 'text')
    .addColumn('summary', 'text')
    .addColumn('oic_upn', 'text')
    .addColumn('oic_name', 'text')
    .addColumn('supervisor_upn', 'text')
    .addColumn('supervisor_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('victim_satisfied', 'boolean')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('occurrences_source_reference_uq', ['source', 'reference'])
    .execute();
  await db.schema.createIndex('occurrences_reference_idx').on('occurrences').column('reference').execute();
  await db.schema.createIndex('occurrences_location_idx').on('occurrences').columns(['location_ref', 'flagged_at']).execute();
  await db.schema.createIndex('occurrences_district_flagged_idx').on('occurrences').columns(['district', 'flagged_at']).execute();

  await db.schema
    .createTable('occurrence_people')
    .addColumn('occurrence_id', 'uuid', (c) => c.notNull().references('occurrences.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('person_ref', 'text', (c) => c.notNull())
    .addColumn('vulnerable', 'boolean')
    .addColumn('enhanced', 'boolean')
    .addPrimaryKeyConstraint('occurrence_people_pk', ['occurrence_id', 'role', 'person_ref'])
    .execute();
  await db.schema.createIndex('occurrence_people_ref_idx').on('occurrence_people').columns(['person_ref', 'role']).execute();

  await db.schema
    .createTable('reviews')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('occurrence_id', 'uuid', (c) => c.notNull().references('occurrences.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('risk_grade', 'text', (c) => c.notNull())
    .addColumn('risk_rationale', 'text')
    .addColumn('reviewer_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('reviewer_name', 'text', (c) => c.notNull())
    .addColumn('reviewed_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('reviews_occurrence_version_uq', ['occurrence_id', 'version'])
    .execute();

  await db.schema
    .createTable('review_decisions')
    .addColumn('review_id', 'uuid', (c) => c.notNull().references('reviews.id').onDelete('cascade'))
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('item_label', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('review_decisions_pk', ['review_id', 'item_key'])
    .execute();

  await db.schema
    .createTable('card_posts')
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('occurrence_id', 'uuid', (c) => c.notNull().references('occurrences.id').onDelete('cascade'))
    .addColumn('posted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('card_posts_pk', ['conversation_id', 'activity_id'])
    .execute();
  await db.schema.createIndex('card_posts_occurrence_idx').on('card_posts').column('occurrence_id').execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('result_activity_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await sql`create index outbox_due_idx on outbox (next_attempt_at) where status = 'pending'`.execute(db);

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('audit_log_entity_idx').on('audit_log').columns(['entity_type', 'entity_id']).execute();
  // Section 62 DPA 2018 logs must not be altered: refuse UPDATE, DELETE and TRUNCATE at the database.
  await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_log is append-only'; end $$`.execute(db);
  await sql`create trigger audit_log_no_update before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);
  await sql`create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only()`.execute(db);
}

/** Drops everything made by up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['audit_log', 'outbox', 'card_posts', 'review_decisions', 'reviews', 'occurrence_people', 'occurrences', 'review_subscriptions', 'conversations', 'users']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await sql`drop function if exists audit_log_append_only()`.execute(db);
}

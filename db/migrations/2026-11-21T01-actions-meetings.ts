import { sql, type Kysely } from 'kysely';

/** Issue 4: delivery-plan actions, their dated updates, and partnership meetings. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('meetings')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recurrence', 'text')
    .addColumn('series_id', 'uuid')
    .addColumn('conversation_id', 'text')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('pack_posted_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('meetings_kind_starts_idx').on('meetings').columns(['kind', 'starts_at']).execute();

  await db.schema
    .createTable('actions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('ref', 'text', (c) => c.notNull().unique())
    .addColumn('objective', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('pillar', 'text', (c) => c.notNull())
    .addColumn('owner_kind', 'text', (c) => c.notNull())
    .addColumn('owner_upn', 'text')
    .addColumn('owner_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('owner_agency', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('not_started'))
    .addColumn('due_date', 'date')
    .addColumn('district', 'text')
    .addColumn('raised_at_meeting_id', 'uuid', (c) => c.references('meetings.id'))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('actions_pillar_status_idx').on('actions').columns(['pillar', 'status']).execute();
  await db.schema.createIndex('actions_owner_idx').on('actions').columns(['owner_upn']).execute();
  await sql`create index actions_due_idx on actions (due_date) where status not in ('completed', 'discharged')`.execute(db);

  await db.schema
    .createTable('action_updates')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('action_id', 'uuid', (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('update_date', 'date', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('status_from', 'text')
    .addColumn('status_to', 'text')
    .addColumn('author_user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('action_updates_action_idx').on('action_updates').columns(['action_id', 'created_at']).execute();
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('action_updates').ifExists().execute();
  await db.schema.dropTable('actions').ifExists().execute();
  await db.schema.dropTable('meetings').ifExists().execute();
}

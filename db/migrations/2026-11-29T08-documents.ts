import { sql, type Kysely } from 'kysely';

/**
 * Issue 13, item 4: Word documents (the meeting pack, the monthly report) behind short-lived
 * download links. Like the scrutiny CSV's `summary_exports`, only the SHA-256 of the link's token
 * is stored; unlike it, the file is binary, and the link remembers who asked for it (`user_id`)
 * and what right it needs (`access`), so the download is checked against the need-to-know rule
 * as it stands when the link is opened, not only when it was made.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('documents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('access', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('downloads', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('documents_expires_idx').on('documents').column('expires_at').execute();
}

/** Reverts up(). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('documents').ifExists().execute();
}

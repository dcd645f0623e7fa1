import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../schema.js';
import { TOKEN_PATTERN } from '../summary/exports.repository.js';
import type { DocumentAccess } from './documents.table.js';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A stored document as the download needs it (content included). */
export interface StoredDocument {
  id: string;
  kind: string;
  filename: string;
  content: Uint8Array;
  userId: string | null;
  access: DocumentAccess;
  downloads: number;
}

/**
 * Stores a document until `expiresAt` and returns its link token (32 random bytes, base64url, the
 * same form as the scrutiny CSV's; only its SHA-256 is kept). Expired documents are deleted first.
 */
export async function insertDocument(
  db: Db,
  doc: {
    kind: string;
    filename: string;
    content: Uint8Array;
    createdBy: string;
    userId: string | null;
    access: DocumentAccess;
    expiresAt: Date;
  },
  now: Date,
): Promise<{ id: string; token: string }> {
  const token = randomBytes(32).toString('base64url');
  await db.deleteFrom('documents').where('expires_at', '<', now).execute();
  const row = await db
    .insertInto('documents')
    .values({
      token_hash: hash(token),
      kind: doc.kind,
      filename: doc.filename,
      content: doc.content,
      created_by: doc.createdBy,
      user_id: doc.userId,
      access: JSON.stringify(doc.access),
      expires_at: doc.expiresAt,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

/** The unexpired document of a token, locked for the download's transaction; null for a malformed, unknown or expired token. */
export async function findDocument(db: Db, token: string, now: Date): Promise<StoredDocument | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await db
    .selectFrom('documents')
    .select(['id', 'kind', 'filename', 'content', 'user_id', 'access', 'downloads'])
    .where('token_hash', '=', hash(token))
    .where('expires_at', '>', now)
    .forUpdate()
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    kind: row.kind,
    filename: row.filename,
    content: row.content,
    userId: row.user_id,
    access: row.access,
    downloads: row.downloads,
  };
}

/** Counts one download; returns the new count. */
export async function countDownload(db: Db, id: string): Promise<number> {
  const row = await db
    .updateTable('documents')
    .set((eb) => ({ downloads: eb('downloads', '+', 1) }))
    .where('id', '=', id)
    .returning('downloads')
    .executeTakeFirstOrThrow();
  return row.downloads;
}

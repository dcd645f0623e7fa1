import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../schema.js';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A download link token: 32 random bytes, base64url (43 characters). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Stores a file for download until `expiresAt` and returns the link's token (only its SHA-256
 * is stored). Expired files are deleted at the same time.
 */
export async function storeExport(
  db: Db,
  file: { kind: string; filename: string; content: string; createdBy: string; expiresAt: Date },
  now: Date,
): Promise<{ id: string; token: string }> {
  const token = randomBytes(32).toString('base64url');
  await db.deleteFrom('summary_exports').where('expires_at', '<', now).execute();
  const row = await db
    .insertInto('summary_exports')
    .values({
      token_hash: hash(token),
      kind: file.kind,
      filename: file.filename,
      content: file.content,
      created_by: file.createdBy,
      expires_at: file.expiresAt,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

/** The file of a valid, unexpired token (counting the download), or null. */
export async function takeExport(
  db: Db,
  token: string,
  now: Date,
): Promise<{ id: string; kind: string; filename: string; content: string; downloads: number } | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await db
    .updateTable('summary_exports')
    .set((eb) => ({ downloads: eb('downloads', '+', 1) }))
    .where('token_hash', '=', hash(token))
    .where('expires_at', '>', now)
    .returning(['id', 'kind', 'filename', 'content', 'downloads'])
    .executeTakeFirst();
  return row ?? null;
}

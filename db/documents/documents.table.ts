import type { ColumnType, Generated } from 'kysely';

/** What a document link needs at download time: the right its creator must still hold. */
export type DocumentAccess =
  /** A meeting pack: coordinators and managers (canMeetingPack). */
  | { kind: 'meeting_pack' }
  /** A summary report: the same scope (scopeKey) resolved again for the district asked for. */
  | { kind: 'summary'; district: string | null; scope: string };

/**
 * Short-lived Word documents (migration 2026-11-29T08). Only the SHA-256 of the link's token is
 * stored; `user_id` and `access` let the download ask the access rule again.
 */
export interface DocumentsTable {
  id: Generated<string>;
  token_hash: string;
  kind: string;
  filename: string;
  content: Uint8Array;
  /** Audit label of the creator, e.g. `user:<uuid>`. */
  created_by: string;
  user_id: string | null;
  access: ColumnType<DocumentAccess, string, string>;
  created_at: Generated<Date>;
  expires_at: Date;
  downloads: Generated<number>;
}

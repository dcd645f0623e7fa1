import type { ColumnType, Generated } from 'kysely';

export interface AuditLogTable {
  id: ColumnType<string, never, never>;
  at: Generated<Date>;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  details: ColumnType<unknown, string, never>;
  /** Position in the hash chain (commit order), set by the database; never written by the bot. */
  seq: ColumnType<string, never, never>;
  /** Hash of the previous entry in the chain (64 zeros for the first). */
  prev_hash: ColumnType<string, never, never>;
  /** SHA-256 (hex) over this entry's canonical text and prev_hash. */
  hash: ColumnType<string, never, never>;
}

import type { Generated } from 'kysely';

/**
 * Short-lived CSV downloads (scrutiny packs). Only the SHA-256 of the link's token is stored;
 * the content is already anonymised.
 */
export interface SummaryExportsTable {
  id: Generated<string>;
  token_hash: string;
  kind: string;
  filename: string;
  content: string;
  created_by: string;
  created_at: Generated<Date>;
  expires_at: Date;
  downloads: Generated<number>;
}

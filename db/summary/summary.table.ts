import type { Generated, Selectable } from 'kysely';

/**
 * Short-lived CSV downloads (scrutiny packs). Only the SHA-256 of the link's token is stored;
 * the content is already anonymised. Not in db/schema.ts: the repository adds it with
 * `withTables` (see summary.repository.ts).
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
export type SummaryExportRow = Selectable<SummaryExportsTable>;

/** The tables of this feature, for `db.withTables<SummaryTables>()`. */
export type SummaryTables = {
  summary_exports: SummaryExportsTable;
};

import type { ColumnType, Generated } from 'kysely';

export interface AuditLogTable {
  id: ColumnType<string, never, never>;
  at: Generated<Date>;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  details: ColumnType<unknown, string, never>;
}

import type { ColumnType, Generated } from 'kysely';

/** A `date` column: read as 'YYYY-MM-DD' text (set through a cast), written as the same. */
export type DateColumn = ColumnType<string, string, string>;

export interface ActionsTable {
  id: Generated<string>;
  ref: string;
  objective: string | null;
  text: string;
  /** A pillar key (actions.model.ts PILLARS), or `unassigned` until the coordinator sets one. */
  pillar: string;
  /** `person`: owner_upn / owner_user_id is the holder. `agency`: owner_agency, with owner_upn / owner_user_id its named contact (or none). */
  owner_kind: 'person' | 'agency';
  owner_upn: string | null;
  owner_user_id: string | null;
  owner_agency: string | null;
  status: Generated<string>;
  due_date: DateColumn | null;
  district: string | null;
  raised_at_meeting_id: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ActionUpdatesTable {
  id: Generated<string>;
  action_id: string;
  /** Null: an update imported without a date ("undated (imported)"). */
  update_date: ColumnType<string | null, string | null, string | null>;
  text: string | null;
  status_from: string | null;
  status_to: string | null;
  author_user_id: string | null;
  author_name: string;
  created_at: Generated<Date>;
  /** From a plan file: re-importing the row with changed text revises this entry. */
  imported: Generated<boolean>;
  revised_at: Date | null;
}

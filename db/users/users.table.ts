import type { ColumnType, Generated, Selectable } from 'kysely';

export interface UsersTable {
  id: Generated<string>;
  teams_id: string | null;
  aad_object_id: string | null;
  upn: string | null;
  name: string;
  roles: ColumnType<string[], string[] | undefined, string[]>;
  districts: ColumnType<string[], string[] | undefined, string[]>;
  on_roster: Generated<boolean>;
  /** The roster's agency (e.g. `OCC`): this user is one of its named contacts for delivery-plan actions. */
  agency: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type UserRow = Selectable<UsersTable>;

import type { Kysely } from 'kysely';

/** Issue 5: indexes and tables for status summaries and scrutiny packs (filled in by that work). */
export async function up(_db: Kysely<unknown>): Promise<void> {}

/** Reverts up(). */
export async function down(_db: Kysely<unknown>): Promise<void> {}

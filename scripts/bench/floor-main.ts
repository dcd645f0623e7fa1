/**
 * The bare teams-ai bot as a process of its own, for the memory figure of `npm run bench`: the
 * floor's stack (floor.ts) with its 1 read and 1 transaction on DATABASE_URL, compiled like the
 * bot (`npm run build`, then `node dist/scripts/bench/floor-main.js`). Prints `listening <port>`.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../db/schema.js';
import { startFloor } from './floor.js';

const db = new Kysely<Database>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }) }),
});
const floor = await startFloor({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'ok' }] }, 5 * 1024 * 1024, db);
console.log(`listening ${floor.port}`);
process.on('SIGTERM', () => {
  void floor
    .stop()
    .then(() => db.destroy())
    .finally(() => process.exit(0));
});

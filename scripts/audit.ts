/**
 * `npm run audit -- verify`: checks the audit log's hash chain (DATABASE_URL, or the embedded
 * database in PGLITE_DIR, read through the config module like every script).
 * Exit codes: 0 the chain is whole (prints the number of entries and the last hash), 1 it is broken (names the
 * first broken entry by id and time), 2 usage or database error.
 */
import { z } from 'zod';
import { ConfigError, loadConfig } from '../bot/config.js';
import { openDatabase } from '../db/database.js';
import { verifyAuditChain } from '../db/audit/verify.js';
import { runningBot } from './running-bot.js';

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

const parsed = z.tuple([z.literal('verify')]).safeParse(process.argv.slice(2));
if (!parsed.success) fail('Usage: npm run audit -- verify   (checks that no audit entry was changed, removed or slipped in)', 2);
let config;
try {
  config = loadConfig();
} catch (e) {
  fail(e instanceof ConfigError ? e.message : String(e), 2);
}
if (await runningBot(config)) fail('Stop the bot first: the embedded database (PGlite) can be opened by one process at a time.', 2);
let db;
try {
  db = await openDatabase(config.database);
} catch (e) {
  fail(`Cannot open the database: ${(e as Error).message}`, 2);
}
let code = 2;
try {
  const report = await verifyAuditChain(db);
  if (report.ok) {
    console.log(
      `Audit log intact: ${report.count} entr${report.count === 1 ? 'y' : 'ies'}, hash chain verified; last hash ${report.lastHash} (keep it: a later check that does not reach it means entries were removed from the end).`,
    );
    code = 0;
  } else {
    const at = report.broken.at ? report.broken.at.toISOString() : 'time unknown';
    console.log(
      `Audit log BROKEN at entry id ${report.broken.id} (${at}): ${report.broken.problem}. ${report.count} entr${report.count === 1 ? 'y' : 'ies'} before it verified.`,
    );
    code = 1;
  }
} catch (e) {
  console.error(`Verification failed: ${(e as Error).message}`);
} finally {
  await db.destroy();
}
process.exit(code);

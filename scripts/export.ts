/**
 * `npm run export -- <kind> <file>`: writes data out in the formats of docs/interfaces.md.
 *   actions <file.csv>   the delivery plan: ref,objective,action,pillar,owner,status,due,update
 * `-` as the file writes to standard output. The export is audited as a disclosure.
 * Exit codes: 0 written, 2 usage or I/O error.
 */
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { loadConfig } from '../bot/config.js';
import { openDatabase } from '../db/database.js';
import { exportPlan } from '../db/actions/plan.service.js';
import { systemActor } from '../db/actions/actions.service.js';
import { runningBot } from './running-bot.js';

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

const parsed = z.tuple([z.enum(['actions']), z.string().min(1)]).safeParse(process.argv.slice(2));
if (!parsed.success) fail('Usage: npm run export -- actions <file.csv>   (- writes to standard output)', 2);
const [, file] = parsed.data;
const config = loadConfig();
if (await runningBot(config)) fail('Stop the bot first: the embedded database (PGlite) can be opened by one process at a time.', 2);
const db = await openDatabase(config.database);
try {
  const { csv, count } = await exportPlan(db, systemActor('Plan export', 'system:export'), `export to ${file}`);
  if (file === '-') process.stdout.write(csv);
  else writeFileSync(file, csv, 'utf8');
  console.error(`Exported ${count} action(s)${file === '-' ? '' : ` to ${file}`}.`);
} catch (e) {
  fail(`Export failed: ${(e as Error).message}`, 2);
} finally {
  await db.destroy();
}

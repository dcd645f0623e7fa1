/**
 * `npm run import -- <kind> <file>`: loads a file through the same validation as the HTTP feed.
 *   occurrences <file.jsonl>  one feed occurrence (docs/interfaces.md) per line
 *   users <file.csv>          the roster: upn,name,roles,districts (roles/districts separated by ;)
 *   actions <file.csv>        the delivery plan: ref,objective,action,pillar,owner,status,due,update (docs/interfaces.md)
 * Every line is checked first; any bad line is reported and nothing is written. Exit codes:
 * 0 imported, 1 rejected input, 2 usage or I/O error.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { loadConfig, type Config } from '../bot/config.js';
import { openDatabase } from '../db/database.js';
import { ValidationError } from '../db/errors.js';
import { importOccurrences, validateFeed } from '../db/occurrences/occurrences.service.js';
import { importRoster } from '../db/users/users.service.js';
import { importPlan } from '../db/actions/plan.service.js';
import { systemActor } from '../db/actions/actions.service.js';
import { runningBot } from './running-bot.js';

const args = z.tuple([z.enum(['occurrences', 'users', 'actions']), z.string().min(1)]);
const BATCH = 1000;

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

function report(e: ValidationError): never {
  console.error(`Rejected: ${e.message}`);
  for (const i of e.issues) console.error(`  ${i.path}: ${i.message}`);
  process.exit(1);
}

/** Parses JSONL text; each non-blank line must be JSON. Returns the parsed lines and the unparseable ones. */
function parseLines(text: string): { lines: { line: number; value: unknown }[]; issues: { path: string; message: string }[] } {
  const issues: { path: string; message: string }[] = [];
  const out: { line: number; value: unknown }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (e) {
      issues.push({ path: `line ${i + 1}`, message: `not valid JSON (${(e as Error).message})` });
    }
  });
  return { lines: out, issues };
}

async function loadOccurrences(config: Config, text: string): Promise<void> {
  const { lines, issues } = parseLines(text);
  const payloads = lines.map((l) => l.value);
  const path = (i: number) => [`line ${lines[i]!.line}`];
  const bot = await runningBot(config);
  // Every line is checked before anything is written (importOccurrences checks again, in slices, when writing directly).
  if (issues.length || bot) {
    try {
      validateFeed(payloads, config, path, new Date());
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      issues.push(...e.issues);
    }
  }
  if (issues.length) throw new ValidationError(`${issues.length} problem(s) in the file; nothing was written`, issues);
  const tally = { created: 0, updated: 0, unchanged: 0 };
  if (bot) {
    console.error(`A bot is running on ${bot} with the embedded database: importing through its feed endpoint.`);
    for (let i = 0; i < lines.length; i += BATCH) {
      const res = await fetch(`${bot}/api/occurrences`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${config.ingestApiKey}` },
        body: JSON.stringify({ occurrences: payloads.slice(i, i + BATCH) }),
      });
      const body = (await res.json()) as {
        results?: { reference: string; outcome: keyof typeof tally }[];
        errors?: { path: string; message: string }[];
      };
      if (!res.ok) fail(`The bot refused lines ${lines[i]!.line}-: ${JSON.stringify(body.errors ?? body)}`, 1);
      body.results!.forEach((r, j) => {
        tally[r.outcome]++;
        console.log(`line ${lines[i + j]!.line}: ${r.reference} ${r.outcome}`);
      });
    }
  } else {
    const db = await openDatabase(config.database);
    try {
      const opts = { actor: 'system:import', batch: BATCH, clock: () => new Date(), path };
      await importOccurrences(db, payloads, config, opts, (results, offset) => {
        for (const r of results) {
          tally[r.outcome]++;
          console.log(`line ${lines[offset + r.index]!.line}: ${r.reference} ${r.outcome}`);
        }
      });
    } finally {
      await db.destroy();
    }
  }
  console.error(
    `Imported ${lines.length} occurrence(s): ${tally.created} created, ${tally.updated} updated, ${tally.unchanged} unchanged.`,
  );
}

/** Rows as the import reports them, from the service or from the bot's import route. */
type CsvResult = { line: number; outcome: string; upn?: string; ref?: string; changes?: string[] };

/** Through a running bot's import route (PGlite in use by it), or straight into the database. */
async function importCsv(
  config: Config,
  kind: 'actions' | 'users',
  text: string,
  direct: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<CsvResult[]>,
): Promise<CsvResult[]> {
  const bot = await runningBot(config);
  if (bot) {
    console.error(`A bot is running on ${bot} with the embedded database: importing through it.`);
    const res = await fetch(`${bot}/api/imports/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${config.ingestApiKey}` },
      body: text,
    });
    const body = (await res.json()) as { results?: CsvResult[]; errors?: { path: string; message: string }[] };
    if (res.status === 400 && body.errors)
      throw new ValidationError(`${body.errors.length} problem(s) in the file; nothing was written`, body.errors);
    if (!res.ok || !body.results) fail(`The bot refused the import (${res.status}): ${JSON.stringify(body.errors ?? body)}`, 2);
    return body.results;
  }
  const db = await openDatabase(config.database);
  try {
    return await direct(db);
  } finally {
    await db.destroy();
  }
}

async function importUsers(config: Config, text: string): Promise<void> {
  const results = await importCsv(config, 'users', text, (db) => importRoster(db, text, 'system:import'));
  for (const r of results) console.log(`line ${r.line}: ${r.upn} ${r.outcome}`);
  console.error(`Imported ${results.length} user(s).`);
}

async function importActions(config: Config, text: string): Promise<void> {
  const results = await importCsv(config, 'actions', text, (db) =>
    importPlan(db, text, systemActor('Plan import', 'system:import'), new Date()),
  );
  for (const r of results) console.log(`line ${r.line}: ${r.ref} ${r.outcome}${r.changes?.length ? ` (${r.changes.join(', ')})` : ''}`);
  const n = (o: string) => results.filter((r) => r.outcome === o).length;
  console.error(`Imported ${results.length} action(s): ${n('created')} created, ${n('updated')} updated, ${n('unchanged')} unchanged.`);
}

const parsed = args.safeParse(process.argv.slice(2));
if (!parsed.success) fail('Usage: npm run import -- occurrences <file.jsonl> | users <file.csv> | actions <file.csv>', 2);
const [kind, file] = parsed.data;
let text: string;
try {
  text = readFileSync(file, 'utf8');
} catch (e) {
  fail(`Cannot read ${file}: ${(e as Error).message}`, 2);
}
try {
  const config = loadConfig();
  if (kind === 'occurrences') await loadOccurrences(config, text);
  else if (kind === 'actions') await importActions(config, text);
  else await importUsers(config, text);
} catch (e) {
  if (e instanceof ValidationError) report(e);
  fail((e as Error).message, 2);
}

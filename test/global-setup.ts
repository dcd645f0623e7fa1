/**
 * Once per run, before any test file (vitest globalSetup): on PGlite, a migrated empty database is
 * dumped to a file the harness starts every test file's database from (test/helpers/harness.ts
 * `freshDatabase`). Initialising PGlite and running the migrations costs 10-15 s per database on a
 * 2-core machine; loading the dump 2-3 s. The dump is kept in the system's temp folder, named by a
 * hash of the migrations and the PGlite version, so a changed migration makes a new one.
 */
import { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../bot/config.js';
import { openDatabase } from '../db/database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A dump of a migrated PGlite database (a file path), or '' on PostgreSQL. */
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  if (loadConfig(process.env).database.kind !== 'pglite') {
    project.provide('pgliteTemplate', '');
    return;
  }
  const migrations = join(import.meta.dirname, '..', 'db', 'migrations');
  const hash = createHash('sha256');
  hash.update(readFileSync(join(import.meta.dirname, '..', 'node_modules', '@electric-sql', 'pglite', 'package.json')));
  for (const f of readdirSync(migrations).sort()) hash.update(f).update(readFileSync(join(migrations, f)));
  hash.update(readFileSync(join(import.meta.dirname, '..', 'db', 'database.ts')));
  const file = join(tmpdir(), `hcc-pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
  if (!existsSync(file)) {
    // Migrated by the bot's own openDatabase into a folder, then that folder dumped.
    const dir = mkdtempSync(join(tmpdir(), 'hcc-pglite-template-'));
    await (await openDatabase({ kind: 'pglite', dir: join(dir, 'data') })).destroy();
    const client = new PGlite(join(dir, 'data'));
    await client.waitReady;
    const dump = await client.dumpDataDir('none');
    await client.close();
    // Written under another name and renamed: two runs at once never read a half-written dump.
    writeFileSync(`${file}.${process.pid}`, Buffer.from(await dump.arrayBuffer()));
    renameSync(`${file}.${process.pid}`, file);
    rmSync(dir, { recursive: true, force: true });
  }
  project.provide('pgliteTemplate', file);
}

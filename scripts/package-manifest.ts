/**
 * Builds the Teams app package: manifest/build/appPackage.zip (manifest.json, color.png, outline.png).
 *
 * Placeholders in manifest/manifest.template.json:
 *   ${{BOT_ID}}      <- MicrosoftAppId (falls back to an all-zero GUID: local trial only)
 *   ${{APP_ID}}      <- TEAMS_APP_ID, else the same value as BOT_ID
 *   ${{BOT_DOMAIN}}  <- BOT_DOMAIN (optional host name; the validDomains entry is dropped when unset)
 *   ${{APP_VERSION}} <- "version" in package.json
 *
 * The manifest is validated offline against the JSON schema bundled in @microsoft/app-manifest;
 * nothing is fetched from the network. Exits 1 on any error.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AdmZip from 'adm-zip';
import appManifest from '@microsoft/app-manifest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST_DIR = path.join(ROOT, 'manifest');
const TEMPLATE = path.join(MANIFEST_DIR, 'manifest.template.json');
const OUT_ZIP = path.join(MANIFEST_DIR, 'build', 'appPackage.zip');
const PLACEHOLDER_GUID = '00000000-0000-0000-0000-000000000000';
/** Teams' documented limits for a bot's command menu (stricter than the JSON schema's 12 commands of 128 characters). */
const MAX_COMMAND_DESCRIPTION = 128;
const MAX_COMMAND_TITLE = 32;
const MAX_COMMANDS_PER_LIST = 10;
/** Pixel sizes required by the Teams app package rules. */
const ICON_SIZES = { color: 192, outline: 32 } as const;

type Json = Record<string, unknown>;

/** Values for the ${{NAME}} placeholders, taken from the environment and package.json. */
export function placeholderValues(env: NodeJS.ProcessEnv): { values: Record<string, string>; warnings: string[] } {
  const warnings: string[] = [];
  let botId = env.MicrosoftAppId?.trim() ?? '';
  if (!botId) {
    botId = PLACEHOLDER_GUID;
    warnings.push(
      `MicrosoftAppId is not set: using ${PLACEHOLDER_GUID}. This package is for local trial only and cannot reach a real bot.`,
    );
  }
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version?: string };
  return {
    values: {
      BOT_ID: botId,
      APP_ID: env.TEAMS_APP_ID?.trim() || botId,
      BOT_DOMAIN: env.BOT_DOMAIN?.trim() ?? '',
      APP_VERSION: pkg.version ?? '1.0.0',
    },
    warnings,
  };
}

/** Replaces every ${{NAME}} in the template text; unknown names are reported as errors. */
export function fillTemplate(text: string, values: Record<string, string>, errors: string[]): string {
  return text.replace(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) {
      errors.push(`Unknown placeholder ${whole} in manifest.template.json`);
      return whole;
    }
    return JSON.stringify(value).slice(1, -1); // JSON-escaped, without the quotes
  });
}

/** Loads the JSON schema named by the manifest's $schema from the copy bundled in @microsoft/app-manifest. */
export function loadBundledSchema(schemaUrl: string): Json {
  const match = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?(json-schemas\/teams\/[^?#]+)$/i.exec(schemaUrl);
  if (!match?.[1]) throw new Error(`$schema must be a developer.microsoft.com Teams schema URL, got "${schemaUrl}"`);
  const pkgMain = createRequire(import.meta.url).resolve('@microsoft/app-manifest'); // .../build/index.js
  const file = path.join(path.dirname(pkgMain), match[1]);
  if (!existsSync(file)) throw new Error(`Schema ${match[1]} is not bundled in @microsoft/app-manifest (${file})`);
  // Same clean-up as the library: the published schemas contain \a and \v escapes that JSON.parse rejects.
  const raw = readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  return JSON.parse(raw) as Json;
}

/** Reads width and height from a PNG's IHDR chunk; reports an error if the file is missing or not a PNG. */
export function pngInfo(file: string): { width: number; height: number; hasAlpha: boolean } | string {
  if (!existsSync(file)) return `${path.basename(file)} not found`;
  const buf = readFileSync(file);
  const signature = '89504e470d0a1a0a';
  if (buf.length < 33 || buf.subarray(0, 8).toString('hex') !== signature || buf.toString('ascii', 12, 16) !== 'IHDR') {
    return `${path.basename(file)} is not a PNG file`;
  }
  const colorType = buf[25] ?? 0;
  const hasAlpha = colorType === 4 || colorType === 6 || buf.includes(Buffer.from('tRNS', 'ascii'));
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), hasAlpha };
}

/** Teams packaging rules that the JSON schema does not express: icon files, and the command menu's sizes (titles, descriptions, commands per list). */
export function extraChecks(manifest: Json, errors: string[]): void {
  const icons = (manifest.icons ?? {}) as Record<string, unknown>;
  for (const [kind, size] of Object.entries(ICON_SIZES)) {
    const name = icons[kind];
    if (typeof name !== 'string') continue; // the schema reports the missing property
    const info = pngInfo(path.join(MANIFEST_DIR, name));
    if (typeof info === 'string') errors.push(`icons.${kind}: ${info}`);
    else {
      if (info.width !== size || info.height !== size) {
        errors.push(`icons.${kind}: ${name} is ${info.width}x${info.height}, must be ${size}x${size}`);
      }
      if (kind === 'outline' && !info.hasAlpha) errors.push(`icons.outline: ${name} must have a transparent background`);
    }
  }
  const bots = Array.isArray(manifest.bots) ? (manifest.bots as Json[]) : [];
  bots.forEach((bot, b) => {
    const lists = Array.isArray(bot.commandLists) ? (bot.commandLists as Json[]) : [];
    lists.forEach((list, l) => {
      const commands = Array.isArray(list.commands) ? (list.commands as Json[]) : [];
      if (commands.length > MAX_COMMANDS_PER_LIST)
        errors.push(`/bots/${b}/commandLists/${l}/commands has ${commands.length} commands; Teams shows at most ${MAX_COMMANDS_PER_LIST}`);
      commands.forEach((cmd, c) => {
        const desc = cmd.description;
        if (typeof desc === 'string' && desc.length > MAX_COMMAND_DESCRIPTION) {
          errors.push(`/bots/${b}/commandLists/${l}/commands/${c}/description is longer than ${MAX_COMMAND_DESCRIPTION} characters`);
        }
        if (typeof cmd.title === 'string' && cmd.title.length > MAX_COMMAND_TITLE)
          errors.push(`/bots/${b}/commandLists/${l}/commands/${c}/title is longer than ${MAX_COMMAND_TITLE} characters`);
      });
    });
  });
}

/** Fills, validates and zips the manifest; returns the process exit code. */
export async function main(): Promise<number> {
  const errors: string[] = [];
  const { values, warnings } = placeholderValues(process.env);
  for (const warning of warnings) console.warn(`WARNING: ${warning}`);

  const text = fillTemplate(readFileSync(TEMPLATE, 'utf8'), values, errors);
  let manifest: Json;
  try {
    manifest = JSON.parse(text) as Json;
  } catch (e) {
    console.error(`manifest.template.json is not valid JSON: ${(e as Error).message}`);
    return 1;
  }
  if (Array.isArray(manifest.validDomains)) {
    manifest.validDomains = (manifest.validDomains as unknown[]).filter((d) => d !== '');
    for (const d of manifest.validDomains as unknown[]) {
      if (typeof d === 'string' && /[/:]/.test(d)) errors.push(`validDomains: "${d}" must be a host name (no scheme, port or path)`);
    }
  }

  try {
    const schema = loadBundledSchema(String(manifest.$schema ?? ''));
    type Validate = typeof appManifest.AppManifestUtils.validateAgainstSchema;
    const schemaErrors = await appManifest.AppManifestUtils.validateAgainstSchema(
      manifest as Parameters<Validate>[0],
      schema as unknown as Parameters<Validate>[1],
    );
    errors.push(...schemaErrors.map((e) => `schema: ${e.startsWith(' ') ? `(root)${e}` : e}`));
  } catch (e) {
    errors.push(`schema: ${(e as Error).message}`);
  }
  extraChecks(manifest, errors);

  if (errors.length > 0) {
    console.error(`Manifest validation failed (${errors.length} error${errors.length === 1 ? '' : 's'}):`);
    for (const error of errors) console.error(`  - ${error}`);
    return 1;
  }

  const icons = manifest.icons as { color: string; outline: string };
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
  zip.addFile(icons.color, readFileSync(path.join(MANIFEST_DIR, icons.color)));
  zip.addFile(icons.outline, readFileSync(path.join(MANIFEST_DIR, icons.outline)));
  mkdirSync(path.dirname(OUT_ZIP), { recursive: true });
  zip.writeZip(OUT_ZIP);
  console.log(`Manifest valid (schema v${String(manifest.manifestVersion)}, bot ${values.BOT_ID}).`);
  console.log(`Wrote ${path.relative(process.cwd(), OUT_ZIP) || OUT_ZIP}`);
  return 0;
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) process.exitCode = await main();

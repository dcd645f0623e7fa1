import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/** Raised when the environment is invalid; the message lists every problem, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * A JSON settings file named by a setting (CHECKLIST_FILE, REVIEW_POLICY_FILE,
 * ENDORSEMENT_TEMPLATE_FILE), read once at start and checked against `schema`.
 * @throws ConfigError naming the setting and the file, with every problem and its path
 */
export function loadJsonFile<T>(setting: string, file: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${setting} ${file}: cannot read JSON (${(e as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ConfigError(`${setting} ${file} is invalid:\n${issues.join('\n')}`);
}

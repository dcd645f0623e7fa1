/**
 * Write synthetic occurrences as JSONL in the docs/interfaces.md "The occurrence feed"
 * format, ready for `npm run import -- occurrences <file>` or
 * `POST /api/occurrences`.
 *
 *   npm run sample -- [--count N] [--seed S] [--out FILE|-] [--oic UPN]
 *                     [--supervisor UPN] [--months M] [--districts A,B,...] [--now ISO]
 *
 * Data, not output, is deterministic for a given seed and --now (default: the
 * current time). The summary and the loading hint go to stderr, so `--out -`
 * can be piped.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { generateOccurrences, MAX_COUNT, summariseOccurrences, type SampleSummary } from './sample-data.lib.js';

const USAGE = `Usage: npm run sample -- [options]

  --count N          number of occurrences, 1..${String(MAX_COUNT)} (default 200)
  --seed S           random seed, integer 0..4294967295 (default 1)
  --out FILE         output JSONL file, "-" for stdout (default data/sample-occurrences.jsonl)
  --oic UPN          officer in charge for every occurrence (default: synthetic officers)
  --supervisor UPN   supervisor for every occurrence (default: synthetic supervisors)
  --months M         spread flaggedAt over the last M months, 1..120 (default 12)
  --districts LIST   comma-separated district names (default Bradford,Calderdale,Kirklees,Leeds,Wakefield)
  --now ISO          end of the window, ISO 8601 date-time (default: now), for reproducible files
  --help             show this help`;

const positiveInt = (name: string, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a positive integer`)
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, `${name} must be at least 1`)
        .max(max, `${name} must be at most ${String(max)}`),
    );

const upn = (name: string) =>
  z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, `${name} must be a user principal name such as name@force.example`);

/** CLI arguments after validation (shapes and defaults of the usage text). */
const ArgsSchema = z.object({
  count: positiveInt('--count', MAX_COUNT).default('200'),
  seed: z
    .string()
    .regex(/^\d+$/, '--seed must be a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().max(4294967295, '--seed must be at most 4294967295'))
    .default('1'),
  out: z.string().min(1, '--out must not be empty').default('data/sample-occurrences.jsonl'),
  oic: upn('--oic').optional(),
  supervisor: upn('--supervisor').optional(),
  months: positiveInt('--months', 120).default('12'),
  districts: z
    .string()
    .transform((s) => s.split(',').map((d) => d.trim()))
    .refine((list) => list.every((d) => d.length > 0), '--districts must be comma-separated non-empty names')
    .optional(),
  now: z
    .string()
    .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), '--now must be an ISO 8601 date-time')
    .transform((s) => new Date(s))
    .optional(),
});
type Args = z.infer<typeof ArgsSchema>;

function fail(message: string): never {
  process.stderr.write(`sample: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

/** Parse and validate argv (without node and script); exits 2 with a message on bad arguments. */
function readArgs(argv: string[]): Args {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        count: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        oic: { type: 'string' },
        supervisor: { type: 'string' },
        months: { type: 'string' },
        districts: { type: 'string' },
        now: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const parsed = ArgsSchema.safeParse(values);
  if (!parsed.success) fail(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

/** One line for stderr: totals, crimes vs NCHI, strands, repeats. */
function formatSummary(s: SampleSummary, where: string): string {
  const pct = (n: number, of = s.total): string => `${String(of ? Math.round((100 * n) / of) : 0)}%`;
  const strands = Object.entries(s.strands)
    .sort(([, a], [, b]) => b - a)
    .map(([k, n]) => `${k} ${String(n)} (${pct(n)})`)
    .join(', ');
  const { any, victim, suspect, location } = s.repeats;
  return (
    `sample: ${String(s.total)} occurrences -> ${where}: ${String(s.crimes)} crimes ` +
    `(${pct(s.publicOrder, s.crimes)} public order), ${String(s.nchi)} NCHI (${pct(s.nchi)}); strands ${strands}; ` +
    `repeats ${String(any)} (${pct(any)}: victim ${String(victim)}, suspect ${String(suspect)}, location ${String(location)})`
  );
}

function loadHint(file: string, count: number): string {
  const post =
    `curl -sS -X POST "\${BOT_URL:-http://localhost:3978}/api/occurrences" ` +
    `-H "Authorization: Bearer $INGEST_API_KEY" -H "Content-Type: application/json" --data-binary @-`;
  const http =
    count <= 1000
      ? `  jq -s '{occurrences: .}' ${file} | ${post}`
      : `  jq -c -s 'range(0; length; 1000) as $i | {occurrences: .[$i:$i+1000]}' ${file} |\n` +
        `    while IFS= read -r body; do printf '%s' "$body" | ${post}; echo; done`;
  return `Load it with:\n  npm run import -- occurrences ${file}\nor over HTTP (up to 1,000 per request):\n${http}\n`;
}

function main(): void {
  const args = readArgs(process.argv.slice(2));
  const occurrences = generateOccurrences({
    count: args.count,
    seed: args.seed,
    now: args.now ?? new Date(),
    months: args.months,
    ...(args.districts ? { districts: args.districts } : {}),
    ...(args.oic ? { oicUpn: args.oic } : {}),
    ...(args.supervisor ? { supervisorUpn: args.supervisor } : {}),
  });
  const jsonl = occurrences.map((o) => JSON.stringify(o)).join('\n') + '\n';
  let where = 'stdout';
  if (args.out === '-') {
    process.stdout.write(jsonl);
  } else {
    where = resolve(args.out);
    mkdirSync(dirname(where), { recursive: true });
    writeFileSync(where, jsonl, 'utf8');
  }
  process.stderr.write(`${formatSummary(summariseOccurrences(occurrences), where)}\n`);
  process.stderr.write(loadHint(args.out === '-' ? '<file.jsonl>' : args.out, occurrences.length));
}

main();

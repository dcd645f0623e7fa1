import { z } from 'zod';
import cron from 'node-cron';
import { DEFAULT_REVIEW_POLICY, reviewPolicySchema, type ReviewPolicy, type ScheduleConfig } from '../db/schedule/schedule.service.js';
import { checklistFileSchema, DEFAULT_CHECKLIST, type ChecklistItem } from '../db/reviews/reviews.service.js';
import {
  DEFAULT_ENDORSEMENT_TEMPLATE,
  endorsementTemplateFileSchema,
  type EndorsementTemplate,
} from '../db/reviews/endorsement.service.js';
import { parseServiceUrlAllowlist, type ServiceUrlPrefix } from '../db/conversations/conversations.service.js';
import { teamsEnvShape, teamsSettings, type MicrosoftAppCredentials } from './config-teams.js';
import { ZONE } from '../db/time/london-time.js';
import type { NchiPolicy } from '../db/occurrences/occurrences.service.js';
import { nchiEnvShape, nchiPolicyFrom } from './config-nchi.js';
import { DEFAULT_RETENTION, RETENTION_MINIMUM_DAYS, type RetentionPeriods } from '../db/retention/retention.service.js';

import { ConfigError, loadJsonFile } from './config-files.js';

export { LOCAL_INGEST_KEY, type MicrosoftAppCredentials } from './config-teams.js';
export { ConfigError } from './config-files.js';

/** The five centrally monitored strands; they always exist (docs/domain.md "Strands"). */
export const CORE_STRANDS = ['race', 'religion', 'sexual_orientation', 'disability', 'transgender'] as const;

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * RMS_URL_TEMPLATE: the records system's address of one occurrence, `{reference}` standing for its
 * reference (URL-encoded when filled in). https only; http only for localhost (a development RMS).
 */
const rmsUrlTemplate = z.string().superRefine((v, ctx) => {
  const problem = rmsTemplateProblem(v);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

function rmsTemplateProblem(v: string): string | null {
  const example = ' (for example https://rms.example/occurrence/{reference})';
  if (!v.includes('{reference}')) return 'must contain {reference}' + example;
  let url: URL;
  try {
    url = new URL(v.replaceAll('{reference}', 'x'));
  } catch {
    return 'must be a URL' + example;
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && local)) return null;
  return 'must be an https:// URL (http:// only for localhost)' + example;
}

/** A retention period in whole days (db/retention/retention.policy.ts: defaults, minimums and their sources). */
const retentionDays = (key: keyof RetentionPeriods) =>
  z.coerce
    .number()
    .int('must be a whole number of days')
    .min(RETENTION_MINIMUM_DAYS[key], `must be at least ${RETENTION_MINIMUM_DAYS[key]} days`)
    .max(36_500, 'must be at most 36500 days (100 years)')
    .default(DEFAULT_RETENTION[key]);

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
      .optional(),
    DATABASE_MIGRATION_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'DATABASE_MIGRATION_URL must start with postgres:// or postgresql://')
      .optional(),
    SCRUTINY_MIN_CLOSED: z.coerce.number().int().min(1).max(1000).default(10),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    PGLITE_DIR: z.string().min(1).default('./data/pglite'),
    // HOST, NODE_ENV, MicrosoftApp*, ChannelService, botbuilder's endpoints: bot/config-teams.ts.
    ...teamsEnvShape,
    INGEST_API_KEY: z.string().min(16, 'INGEST_API_KEY must be at least 16 characters').optional(),
    INGEST_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    LOCAL_STRANDS: z.string().default(''),
    CHECKLIST_FILE: z.string().optional(),
    ENDORSEMENT_TEMPLATE_FILE: z.string().optional(),
    ...nchiEnvShape,
    REPEAT_WINDOW_MONTHS: z.coerce.number().int().min(1).max(60).default(12),
    REPEAT_MIN_OCCURRENCES: z.coerce.number().int().min(2).max(20).default(2),
    OUTBOX_POLL_SECONDS: z.coerce.number().min(0.05).max(3600).default(5),
    OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
    REVIEW_POLICY_FILE: z.string().optional(),
    REVIEW_PROMPT_LEAD_HOURS: z.coerce.number().min(0).max(72).default(2),
    ESCALATE_SUPERVISOR_HOURS: z.coerce.number().min(1).max(720).default(24),
    ESCALATE_CHANNEL_HOURS: z.coerce.number().min(1).max(720).default(48),
    REVIEW_BACKFILL_DAYS: z.coerce.number().min(0).max(3650).default(7),
    JOBS_ENABLED: bool.default('true'),
    SWEEP_CRON: z.string().default('* * * * *'),
    DIGEST_CRON: z.string().default('0 8 * * 1-5'),
    OUTBOX_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
    RATE_CONVERSATION_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(7),
    RATE_CONVERSATION_PER_30_SECONDS: z.coerce.number().int().min(1).max(10000).default(60),
    RATE_TENANT_PER_SECOND: z.coerce.number().int().min(1).max(10000).default(50),
    MEETING_UPDATE_DAYS: z.coerce.number().int().min(1).max(60).default(7),
    MEETING_NUDGE_DAYS: z.coerce.number().int().min(0).max(30).default(2),
    ACTIONS_CRON: z.string().default('0 9 * * 1-5'),
    SCRUTINY_SAMPLE_SIZE: z.coerce.number().int().min(1).max(100).default(5),
    SMALL_NUMBER_THRESHOLD: z.coerce.number().int().min(0).max(100).default(5),
    COMPLIANCE_FROM: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'COMPLIANCE_FROM must be a date as YYYY-MM-DD')
      .refine(
        (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
        'COMPLIANCE_FROM is not a real date',
      )
      .optional(),
    SUMMARY_WEEKLY_CRON: z.string().default('0 8 * * 1'),
    SUMMARY_MONTHLY_CRON: z.string().default('0 8 1 * *'),
    SERVICE_URL_ALLOWLIST: z.string().max(4000).optional(),
    RMS_URL_TEMPLATE: rmsUrlTemplate.optional(),
    RETENTION_ENABLED: bool.default('true'),
    RETENTION_CRON: z.string().default('30 2 * * *'),
    RETENTION_CLOSED_OCCURRENCE_DAYS: retentionDays('closedOccurrenceDays'),
    RETENTION_NCHI_SUBJECT_DAYS: retentionDays('nchiSubjectDays'),
    RETENTION_PROMPT_DAYS: retentionDays('promptDays'),
    PUBLIC_BASE_URL: z.string().url('PUBLIC_BASE_URL must be a URL such as https://bot.example.org').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_MIGRATION_URL && !env.DATABASE_URL) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['DATABASE_MIGRATION_URL'],
        message: 'only with DATABASE_URL (the embedded database has no roles)',
      });
    }
  });

/** The validated, frozen settings of one bot process. See README "Settings". */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** `migrationUrl` (DATABASE_MIGRATION_URL): migrations run as that owner role; null: as `url` (development). */
  readonly database:
    | { readonly kind: 'postgres'; readonly url: string; readonly poolMax: number; readonly migrationUrl: string | null }
    | { readonly kind: 'pglite'; readonly dir: string | null };
  /** Scrutiny packs: fewer closed occurrences than this in the scope and months, and no pack is made (SCRUTINY_MIN_CLOSED). */
  readonly scrutinyMinClosed: number;
  /** null: local mode (no Microsoft credentials; every user is a coordinator while no roster is imported). */
  readonly microsoftApp: MicrosoftAppCredentials | null;
  /** NODE_ENV=production: started only with credentials, a strong feed key and PostgreSQL, and refuses a database role that could switch the audit log off. */
  readonly production: boolean;
  /** Milliseconds allowed to validate a Teams token (key download included) before answering 503. */
  readonly authTimeoutMs: number;
  /** Settings that work but should change; logged at start. */
  readonly warnings: readonly string[];
  readonly ingestApiKey: string;
  /** Largest POST body on any route, in bytes, after decompression. */
  readonly ingestMaxBodyBytes: number;
  readonly strands: readonly string[];
  readonly checklist: readonly ChecklistItem[];
  /** The RMS endorsement's text per kind of occurrence and the owners and deadlines of "no" items (ENDORSEMENT_TEMPLATE_FILE). */
  readonly endorsementTemplate: EndorsementTemplate;
  /** How NCHIs are handled (NCHI_POLICY, issue 12 item 5): code-2023 reviews them, review-off stores them without a card, refuse refuses them. */
  readonly nchiPolicy: NchiPolicy;
  readonly repeat: { readonly windowMonths: number; readonly minOccurrences: number };
  readonly outbox: { readonly pollSeconds: number; readonly maxAttempts: number };
  readonly schedule: ScheduleConfig;
  readonly jobs: { readonly enabled: boolean; readonly sweepCron: string; readonly digestCron: string };
  /** Teams' limits for proactive messages (per conversation 7/s and 60/30s; 50/s per tenant). */
  readonly pacing: {
    readonly concurrency: number;
    readonly perConversationPerSecond: number;
    readonly perConversationPer30s: number;
    readonly perTenantPerSecond: number;
  };
  /** Delivery-plan actions and meetings (issue 4). */
  readonly actions: { readonly updateDaysBefore: number; readonly nudgeDaysBefore: number; readonly cron: string };
  /** Summaries and scrutiny packs (issue 5): sample size; partners see no count below `suppressBelow`. */
  readonly summary: {
    readonly scrutinySampleSize: number;
    readonly suppressBelow: number;
    /** Review compliance counts reviews due from this Europe/London date (COMPLIANCE_FROM); null: from when the bot first received an occurrence. */
    readonly complianceFrom: string | null;
    readonly weeklyCron: string;
    readonly monthlyCron: string;
  };
  /** Retention (issue 12 item 6, docs/retention.md): the daily erasure job's cron and periods in days; null: RETENTION_ENABLED=false. */
  readonly retention: { readonly cron: string; readonly periods: Readonly<RetentionPeriods> } | null;
  /** The records system's link for an occurrence, with `{reference}` (RMS_URL_TEMPLATE); null: cards offer no link. */
  readonly rmsUrlTemplate: string | null;
  /** Public address of this bot, for links in cards (charts, CSV downloads); defaults to http://localhost:PORT. */
  readonly publicBaseUrl: string;
  /** Bot Connector service URL prefixes the bot may contact (SERVICE_URL_ALLOWLIST); activities naming others are refused. */
  readonly serviceUrlAllowlist: readonly ServiceUrlPrefix[];
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly timeZone: typeof ZONE;
}

/**
 * Reads and validates the settings once. The only place that reads the environment.
 * @param env the variables to read (process.env in production; tests pass their own)
 * @throws ConfigError listing every invalid or missing setting
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError('Invalid configuration:\n' + parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  const e = parsed.data;
  const localStrands = e.LOCAL_STRANDS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const badStrand = localStrands.find((s) => !/^[a-z][a-z0-9_]{0,39}$/.test(s));
  if (badStrand) throw new ConfigError(`Invalid configuration:\n  LOCAL_STRANDS: "${badStrand}" must be a snake_case key`);
  for (const [name, expr] of [
    ['SWEEP_CRON', e.SWEEP_CRON],
    ['DIGEST_CRON', e.DIGEST_CRON],
    ['ACTIONS_CRON', e.ACTIONS_CRON],
    ['SUMMARY_WEEKLY_CRON', e.SUMMARY_WEEKLY_CRON],
    ['SUMMARY_MONTHLY_CRON', e.SUMMARY_MONTHLY_CRON],
    ['RETENTION_CRON', e.RETENTION_CRON],
  ] as const) {
    if (!cron.validate(expr)) throw new ConfigError(`Invalid configuration:\n  ${name}: "${expr}" is not a cron expression`);
  }
  const teams = teamsSettings(e);
  if (teams.problems.length) throw new ConfigError('Invalid configuration:\n' + teams.problems.map((p) => `  ${p}`).join('\n'));
  const serviceUrlAllowlist = parseServiceUrlAllowlist(e.SERVICE_URL_ALLOWLIST, {
    authenticated: teams.settings.microsoftApp !== null,
    production: teams.settings.production,
  });
  if (typeof serviceUrlAllowlist === 'string')
    throw new ConfigError(`Invalid configuration:\n  SERVICE_URL_ALLOWLIST: ${serviceUrlAllowlist}`);
  const config: Config = {
    port: e.PORT,
    host: teams.settings.host,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX, migrationUrl: e.DATABASE_MIGRATION_URL ?? null }
      : { kind: 'pglite', dir: e.PGLITE_DIR === ':memory:' ? null : e.PGLITE_DIR },
    scrutinyMinClosed: e.SCRUTINY_MIN_CLOSED,
    microsoftApp: teams.settings.microsoftApp,
    production: teams.settings.production,
    authTimeoutMs: teams.settings.authTimeoutMs,
    warnings: teams.settings.warnings,
    ingestApiKey: teams.settings.ingestApiKey,
    ingestMaxBodyBytes: e.INGEST_MAX_BODY_BYTES,
    strands: [...new Set([...CORE_STRANDS, ...localStrands])],
    checklist: e.CHECKLIST_FILE ? loadJsonFile('CHECKLIST_FILE', e.CHECKLIST_FILE, checklistFileSchema) : DEFAULT_CHECKLIST,
    endorsementTemplate: e.ENDORSEMENT_TEMPLATE_FILE
      ? loadJsonFile('ENDORSEMENT_TEMPLATE_FILE', e.ENDORSEMENT_TEMPLATE_FILE, endorsementTemplateFileSchema)
      : DEFAULT_ENDORSEMENT_TEMPLATE,
    nchiPolicy: nchiPolicyFrom(e),
    repeat: { windowMonths: e.REPEAT_WINDOW_MONTHS, minOccurrences: e.REPEAT_MIN_OCCURRENCES },
    outbox: { pollSeconds: e.OUTBOX_POLL_SECONDS, maxAttempts: e.OUTBOX_MAX_ATTEMPTS },
    schedule: {
      policy: e.REVIEW_POLICY_FILE
        ? ({ ...DEFAULT_REVIEW_POLICY, ...loadJsonFile('REVIEW_POLICY_FILE', e.REVIEW_POLICY_FILE, reviewPolicySchema) } as ReviewPolicy)
        : DEFAULT_REVIEW_POLICY,
      steps: {
        leadHours: e.REVIEW_PROMPT_LEAD_HOURS,
        supervisorHours: e.ESCALATE_SUPERVISOR_HOURS,
        channelHours: e.ESCALATE_CHANNEL_HOURS,
      },
      backfillDays: e.REVIEW_BACKFILL_DAYS,
    },
    jobs: { enabled: e.JOBS_ENABLED, sweepCron: e.SWEEP_CRON, digestCron: e.DIGEST_CRON },
    pacing: {
      concurrency: e.OUTBOX_CONCURRENCY,
      perConversationPerSecond: e.RATE_CONVERSATION_PER_SECOND,
      perConversationPer30s: e.RATE_CONVERSATION_PER_30_SECONDS,
      perTenantPerSecond: e.RATE_TENANT_PER_SECOND,
    },
    actions: { updateDaysBefore: e.MEETING_UPDATE_DAYS, nudgeDaysBefore: e.MEETING_NUDGE_DAYS, cron: e.ACTIONS_CRON },
    summary: {
      scrutinySampleSize: e.SCRUTINY_SAMPLE_SIZE,
      suppressBelow: e.SMALL_NUMBER_THRESHOLD,
      complianceFrom: e.COMPLIANCE_FROM ?? null,
      weeklyCron: e.SUMMARY_WEEKLY_CRON,
      monthlyCron: e.SUMMARY_MONTHLY_CRON,
    },
    serviceUrlAllowlist,
    rmsUrlTemplate: e.RMS_URL_TEMPLATE ?? null,
    retention: e.RETENTION_ENABLED
      ? {
          cron: e.RETENTION_CRON,
          periods: Object.freeze({
            closedOccurrenceDays: e.RETENTION_CLOSED_OCCURRENCE_DAYS,
            nchiSubjectDays: e.RETENTION_NCHI_SUBJECT_DAYS,
            promptDays: e.RETENTION_PROMPT_DAYS,
          }),
        }
      : null,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    timeZone: ZONE,
  };
  return Object.freeze(config);
}

/**
 * The security half of the settings: Microsoft app credentials (app type), botbuilder's endpoint
 * settings, the listening address and the refusals of NODE_ENV=production. Pure: bot/config.ts
 * reads the environment and hands the parsed values here. Documented in docs/deploying.md.
 */
import { z } from 'zod';

/** Key used for the feed in local mode when INGEST_API_KEY is unset; printed at start. Never valid with credentials or in production. */
export const LOCAL_INGEST_KEY = 'local-dev-ingest-key';

/** Shortest feed key NODE_ENV=production accepts (characters). */
export const PRODUCTION_MIN_KEY_LENGTH = 32;

/** botbuilder's own endpoint settings, under botbuilder's names (ConfigurationBotFrameworkAuthenticationOptions). */
export const ENDPOINT_SETTINGS = [
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromChannelTokenIssuer',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'OAuthUrl',
] as const;
export type EndpointSetting = (typeof ENDPOINT_SETTINGS)[number];

/** The US Government cloud's ChannelService value (botbuilder GovernmentConstants.ChannelService). */
export const US_GOV_CHANNEL_SERVICE = 'https://botframework.azure.us';

const url = (name: string) => z.string().url(`${name} must be a URL`);

/** The environment variables this module reads; merged into bot/config.ts's schema. */
export const teamsEnvShape = {
  NODE_ENV: z.string().optional(),
  HOST: z.string().min(1).optional(),
  MicrosoftAppId: z.string().optional(),
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppType: z
    .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
      message: 'MicrosoftAppType must be SingleTenant, UserAssignedMSI or MultiTenant',
    })
    .optional(),
  MicrosoftAppTenantId: z.string().optional(),
  ChannelService: z.string().optional(),
  ToBotFromChannelOpenIdMetadataUrl: url('ToBotFromChannelOpenIdMetadataUrl').optional(),
  ToBotFromChannelTokenIssuer: z.string().min(1).optional(),
  ToBotFromEmulatorOpenIdMetadataUrl: url('ToBotFromEmulatorOpenIdMetadataUrl').optional(),
  ToChannelFromBotLoginUrl: url('ToChannelFromBotLoginUrl').optional(),
  ToChannelFromBotOAuthScope: z.string().min(1).optional(),
  OAuthUrl: url('OAuthUrl').optional(),
  TEAMS_AUTH_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(30).default(5),
};

type TeamsEnv = z.output<z.ZodObject<typeof teamsEnvShape>> & { INGEST_API_KEY?: string | undefined; DATABASE_URL?: string | undefined };

/** Microsoft app registration of an authenticated bot (docs/deploying.md, "App types"). */
export interface MicrosoftAppCredentials {
  readonly appId: string;
  /** Client secret; absent for UserAssignedMSI (the managed identity needs none). */
  readonly appPassword?: string;
  readonly appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  readonly tenantId?: string;
  /** '' (public cloud), US_GOV_CHANNEL_SERVICE, or another cloud when every endpoint is given. */
  readonly channelService: string;
  /** Endpoint settings given in the environment (the rest come from the cloud's defaults). */
  readonly endpoints: Readonly<Partial<Record<EndpointSetting, string>>>;
}

export interface TeamsSettings {
  readonly host: string;
  readonly production: boolean;
  readonly microsoftApp: MicrosoftAppCredentials | null;
  readonly ingestApiKey: string;
  /** Seconds allowed to validate a Teams token (key download included) before answering 503. */
  readonly authTimeoutMs: number;
  /** Things that work but should change; logged at start. */
  readonly warnings: readonly string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9][a-z0-9.-]*\.[a-z]{2,})$/i;

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Checks the security settings together and derives the mode. Fails closed: without credentials
 * the bot is reachable from this machine only, and NODE_ENV=production refuses to start without
 * credentials, a strong feed key and PostgreSQL (security review, issue 9).
 * @returns the settings and the list of problems (empty when valid)
 */
export function teamsSettings(e: TeamsEnv): { settings: TeamsSettings; problems: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  const production = e.NODE_ENV === 'production';
  const anyApp = Boolean(e.MicrosoftAppId || e.MicrosoftAppPassword || e.MicrosoftAppType || e.MicrosoftAppTenantId);
  let microsoftApp: MicrosoftAppCredentials | null = null;

  if (anyApp) {
    const type = e.MicrosoftAppType;
    if (!e.MicrosoftAppId)
      problems.push('MicrosoftAppId: required when any MicrosoftApp* setting is set (or unset them all for local mode)');
    else if (!GUID.test(e.MicrosoftAppId))
      problems.push("MicrosoftAppId: must be a GUID (the bot's app registration or managed identity client id)");
    if (e.MicrosoftAppTenantId && !TENANT.test(e.MicrosoftAppTenantId))
      problems.push('MicrosoftAppTenantId: must be a tenant GUID or domain (e.g. contoso.onmicrosoft.com)');
    if (type === 'SingleTenant') {
      if (!e.MicrosoftAppPassword) problems.push("MicrosoftAppPassword: required for SingleTenant (the app registration's client secret)");
      if (!e.MicrosoftAppTenantId) problems.push('MicrosoftAppTenantId: required for SingleTenant (the tenant of the app registration)');
    } else if (type === 'UserAssignedMSI') {
      if (e.MicrosoftAppPassword)
        problems.push('MicrosoftAppPassword: must not be set for UserAssignedMSI (the managed identity needs no secret); remove it');
      if (!e.MicrosoftAppTenantId) problems.push('MicrosoftAppTenantId: required for UserAssignedMSI (the tenant of the managed identity)');
    } else {
      if (!e.MicrosoftAppPassword)
        problems.push(
          'MicrosoftAppPassword: required for MultiTenant (set MicrosoftAppType=SingleTenant or UserAssignedMSI for other registrations)',
        );
      if (e.MicrosoftAppTenantId && !type)
        problems.push('MicrosoftAppType: required when MicrosoftAppTenantId is set (SingleTenant or UserAssignedMSI)');
      if (e.MicrosoftAppTenantId && type) warnings.push('MicrosoftAppTenantId is ignored for MultiTenant');
      warnings.push(
        'MultiTenant bot registration: Azure no longer creates MultiTenant bots; keep it only for an existing registration (new bots: SingleTenant or UserAssignedMSI)',
      );
    }
    const channelService = e.ChannelService ?? '';
    const endpoints = Object.fromEntries(ENDPOINT_SETTINGS.filter((k) => e[k]).map((k) => [k, e[k]!])) as Partial<
      Record<EndpointSetting, string>
    >;
    if (channelService !== '' && channelService !== US_GOV_CHANNEL_SERVICE) {
      const needed: EndpointSetting[] = [
        'ToBotFromChannelOpenIdMetadataUrl',
        'ToBotFromChannelTokenIssuer',
        'ToChannelFromBotLoginUrl',
        'ToChannelFromBotOAuthScope',
      ];
      const missing = needed.filter((k) => !endpoints[k]);
      if (missing.length)
        problems.push(
          `ChannelService: "${channelService}" is not a built-in cloud (empty or ${US_GOV_CHANNEL_SERVICE}); also set ${missing.join(', ')}`,
        );
    }
    if (e.MicrosoftAppId) {
      microsoftApp = {
        appId: e.MicrosoftAppId,
        ...(e.MicrosoftAppPassword ? { appPassword: e.MicrosoftAppPassword } : {}),
        appType: type ?? 'MultiTenant',
        ...(e.MicrosoftAppTenantId ? { tenantId: e.MicrosoftAppTenantId } : {}),
        channelService,
        endpoints,
      };
    }
  }

  const authenticated = anyApp;
  const key = e.INGEST_API_KEY;
  if (authenticated && !key)
    problems.push('INGEST_API_KEY: required with Microsoft app credentials (at least 16 characters; 32 in production)');
  if (key === LOCAL_INGEST_KEY && (authenticated || production))
    problems.push('INGEST_API_KEY: the local development key is public; generate a secret key (e.g. openssl rand -hex 32)');
  if (production) {
    if (!anyApp)
      problems.push(
        'NODE_ENV=production: Microsoft app credentials are required (MicrosoftAppId and MicrosoftAppType, see docs/deploying.md); did the secret store fail to load?',
      );
    if (!key) problems.push('INGEST_API_KEY: required in production');
    else if (key.length < PRODUCTION_MIN_KEY_LENGTH)
      problems.push(`INGEST_API_KEY: must be at least ${PRODUCTION_MIN_KEY_LENGTH} characters in production`);
    if (!e.DATABASE_URL) problems.push('DATABASE_URL: required in production (the embedded database is for trials on one machine)');
  }

  const host = e.HOST ?? (authenticated ? '0.0.0.0' : '127.0.0.1');
  if (!authenticated && !isLoopback(host)) {
    problems.push(
      `HOST: "${host}" would expose a bot that authenticates no one; without Microsoft app credentials it listens on loopback only (127.0.0.1, ::1, localhost)`,
    );
  }
  return {
    settings: {
      host,
      production,
      microsoftApp,
      ingestApiKey: key ?? LOCAL_INGEST_KEY,
      authTimeoutMs: Math.round(e.TEAMS_AUTH_TIMEOUT_SECONDS * 1000),
      warnings,
    },
    problems,
  };
}

/**
 * The Teams adapter and the authentication of inbound activities. botbuilder validates the Bot
 * Framework token (issuer, audience, serviceurl claim, endorsements) with the endpoint settings
 * of bot/config-teams.ts; in front of it a cheap screen (algorithm, lifetime, signing key and
 * signature, with a timeout on the key download that botbuilder lacks) turns the common failures
 * into one log line instead of botbuilder's console stack traces.
 */
import {
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import {
  AuthenticationConstants,
  AuthenticationError,
  GovernmentConstants,
  type AuthenticateRequestResult,
  type ServiceClientCredentialsFactory,
} from 'botframework-connector';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Config } from './config.js';
import { ENDPOINT_SETTINGS, US_GOV_CHANNEL_SERVICE, type EndpointSetting, type MicrosoftAppCredentials } from './config-teams.js';

/** Why an activity was not let in: 401 (the token) or 503 (the key endpoint did not answer in time). */
export class TeamsAuthError extends Error {
  override readonly name = 'TeamsAuthError';
  constructor(
    readonly status: 401 | 503,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** TeamsAdapter that can run a turn for a request this module authenticated. */
export class BotAdapter extends TeamsAdapter {
  /** Authenticates with botbuilder's BotFrameworkAuthentication (the configured endpoints). */
  authenticate(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
  }

  /** Runs the turn for an authenticated activity; in local mode pass '' (authentication disabled). */
  runTurn(
    auth: AuthenticateRequestResult | string,
    activity: Activity,
    logic: (ctx: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return typeof auth === 'string' ? this.processActivity(auth, activity, logic) : this.processActivity(auth, activity, logic);
  }
}

type Endpoints = Record<EndpointSetting, string> & { CallerId: string };

/** The cloud's defaults for every endpoint setting, or null for a custom ChannelService. */
function cloudDefaults(channelService: string): Endpoints | null {
  const c = channelService === US_GOV_CHANNEL_SERVICE ? GovernmentConstants : channelService === '' ? AuthenticationConstants : null;
  if (!c) return null;
  return {
    ToBotFromChannelOpenIdMetadataUrl: c.ToBotFromChannelOpenIdMetadataUrl,
    ToBotFromChannelTokenIssuer: c.ToBotFromChannelTokenIssuer,
    ToBotFromEmulatorOpenIdMetadataUrl: c.ToBotFromEmulatorOpenIdMetadataUrl,
    ToChannelFromBotLoginUrl: c.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: c.ToChannelFromBotOAuthScope,
    OAuthUrl: c.OAuthUrl,
    CallerId: channelService === US_GOV_CHANNEL_SERVICE ? 'urn:botframework:azureusgov' : 'urn:botframework:azure',
  };
}

/**
 * botbuilder's ConfigurationBotFrameworkAuthentication options for an app registration. When any
 * endpoint is overridden, botbuilder takes ALL endpoints from the options (undefined ones included),
 * so the rest are filled from the cloud's defaults.
 */
export function authOptions(m: MicrosoftAppCredentials): ConfigurationBotFrameworkAuthenticationOptions {
  const base = {
    MicrosoftAppId: m.appId,
    MicrosoftAppType: m.appType,
    MicrosoftAppTenantId: m.tenantId ?? '',
    ...(m.appPassword ? { MicrosoftAppPassword: m.appPassword } : {}),
    ChannelService: m.channelService,
  };
  if (ENDPOINT_SETTINGS.every((k) => !m.endpoints[k])) return base as ConfigurationBotFrameworkAuthenticationOptions;
  return { ...base, ...(cloudDefaults(m.channelService) ?? {}), ...m.endpoints } as ConfigurationBotFrameworkAuthenticationOptions;
}

/** The channel token issuer and key metadata URL in effect (overrides, else the cloud's defaults). */
function channelEndpoints(m: MicrosoftAppCredentials): { issuer: string | undefined; metadataUrl: string | undefined } {
  const d = cloudDefaults(m.channelService);
  return {
    issuer: m.endpoints.ToBotFromChannelTokenIssuer ?? d?.ToBotFromChannelTokenIssuer,
    metadataUrl: m.endpoints.ToBotFromChannelOpenIdMetadataUrl ?? d?.ToBotFromChannelOpenIdMetadataUrl,
  };
}

/**
 * Builds the adapter. Local mode (no credentials): authentication is disabled, which is why the
 * bot then listens on loopback only (config-teams.ts).
 * @param credentialsFactory replaces the outbound credentials (tests: no Entra ID to talk to)
 */
export function createAdapter(config: Config, credentialsFactory?: ServiceClientCredentialsFactory): BotAdapter {
  const m = config.microsoftApp;
  if (!m) return new BotAdapter({} as ConfigurationBotFrameworkAuthenticationOptions, new ConfigurationServiceClientCredentialFactory({}));
  const options = authOptions(m);
  return new BotAdapter(options, credentialsFactory ?? new ConfigurationServiceClientCredentialFactory(options));
}

const SKEW_SECONDS = 300; // botbuilder's clockTolerance for channel tokens
const ALGORITHMS: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' }; // AuthenticationConstants.AllowedSigningAlgorithms

const b64json = (part: string | undefined): Record<string, unknown> | null => {
  try {
    const v: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

interface KeySet {
  keys: Map<string, KeyObject>;
  fetchedAt: number;
}
const keySets = new Map<string, KeySet>();
/** Downloads under way, by metadata URL: concurrent requests share one. */
const downloads = new Map<string, Promise<KeySet>>();

async function download(metadataUrl: string, signal: AbortSignal): Promise<KeySet> {
  const get = async (u: string) => {
    const r = await fetch(u, { signal });
    if (!r.ok) throw new TeamsAuthError(503, `key endpoint answered ${r.status}`);
    return (await r.json()) as Record<string, unknown>;
  };
  const meta = await get(metadataUrl);
  const jwks = await get(String(meta.jwks_uri));
  const keys = new Map<string, KeyObject>();
  for (const k of Array.isArray(jwks.keys) ? (jwks.keys as Record<string, unknown>[]) : []) {
    if (typeof k.kid !== 'string' || k.kty !== 'RSA' || typeof k.n !== 'string' || typeof k.e !== 'string') continue;
    keys.set(k.kid, createPublicKey({ key: { kty: 'RSA', n: k.n, e: k.e }, format: 'jwk' }));
  }
  const set = { keys, fetchedAt: Date.now() };
  keySets.set(metadataUrl, set);
  return set;
}

/** The signing keys at an OpenID metadata URL (cached a day; refreshed at most every 5 minutes for an unknown kid). */
async function signingKey(metadataUrl: string, kid: string, signal: AbortSignal): Promise<KeyObject | null> {
  let set = keySets.get(metadataUrl);
  const stale = !set || Date.now() - set.fetchedAt > 24 * 3600_000 || (!set.keys.has(kid) && Date.now() - set.fetchedAt > 5 * 60_000);
  if (stale) {
    let pending = downloads.get(metadataUrl);
    if (!pending) {
      pending = download(metadataUrl, signal).finally(() => downloads.delete(metadataUrl));
      downloads.set(metadataUrl, pending);
    }
    set = await pending;
  }
  return set!.keys.get(kid) ?? null;
}

/** The screen in front of botbuilder; throws TeamsAuthError 401 with a short reason. */
async function screen(token: string, m: MicrosoftAppCredentials, signal: AbortSignal): Promise<void> {
  const [h, p, s] = token.split('.');
  const header = b64json(h);
  const payload = b64json(p);
  if (!header || !payload || s === undefined) throw new TeamsAuthError(401, 'malformed token');
  const hash = ALGORITHMS[String(header.alg)];
  if (!hash) throw new TeamsAuthError(401, `signing algorithm ${String(header.alg).slice(0, 10)} not allowed`);
  const now = Date.now() / 1000;
  if (typeof payload.exp !== 'number' || payload.exp + SKEW_SECONDS < now) throw new TeamsAuthError(401, 'token expired');
  if (typeof payload.nbf === 'number' && payload.nbf - SKEW_SECONDS > now) throw new TeamsAuthError(401, 'token not yet valid');
  const { issuer, metadataUrl } = channelEndpoints(m);
  // Tokens of other issuers (Emulator, skills) are left to botbuilder alone.
  if (payload.iss !== issuer || !metadataUrl) return;
  const key = await signingKey(metadataUrl, String(header.kid ?? ''), signal);
  if (!key) throw new TeamsAuthError(401, 'unknown signing key');
  if (!verify(hash, Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) throw new TeamsAuthError(401, 'bad signature');
}

/**
 * Authenticates an inbound activity: the screen, then botbuilder, within `config.authTimeoutMs`.
 * @throws TeamsAuthError 401 (invalid token: reason is short and safe to log) or 503 (keys unreachable or too slow)
 */
export async function authenticateActivity(
  adapter: BotAdapter,
  config: Config,
  activity: Activity,
  authHeader: string,
): Promise<AuthenticateRequestResult> {
  const m = config.microsoftApp!;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new TeamsAuthError(503, 'token validation timed out (key endpoint silent)'));
    }, config.authTimeoutMs);
  });
  const work = (async () => {
    await screen(authHeader.replace(/^Bearer\s+/i, ''), m, abort.signal);
    return adapter.authenticate(activity, authHeader);
  })();
  work.catch(() => undefined); // botbuilder's own key download cannot be cancelled; its late failure is not ours
  try {
    return await Promise.race([work, timeout]);
  } catch (e) {
    throw classify(e);
  } finally {
    clearTimeout(timer);
  }
}

function classify(e: unknown): TeamsAuthError {
  if (e instanceof TeamsAuthError) return e;
  const err = e as { name?: string; message?: string; statusCode?: number };
  const reason = String(err.message ?? e)
    .split('\n')[0]!
    .slice(0, 120);
  if (e instanceof AuthenticationError && err.statusCode === 401) return new TeamsAuthError(401, reason);
  // jsonwebtoken's verify errors: the token, not the service
  if (err.name === 'JsonWebTokenError' || err.name === 'TokenExpiredError' || err.name === 'NotBeforeError')
    return new TeamsAuthError(401, reason);
  return new TeamsAuthError(503, `key endpoint unavailable: ${reason}`);
}

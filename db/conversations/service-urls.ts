/**
 * Which Bot Connector service URLs the bot trusts (issue 9, item 6). Pure: no I/O.
 *
 * Every activity names the `serviceUrl` its replies, member look-ups and later proactive
 * messages go to. In authenticated mode the bot attaches its Bot Framework token to those
 * requests, so an untrusted URL would receive the token; in local mode a forged URL would
 * answer member look-ups (and so decide a user's UPN and roles). Only URLs under a trusted
 * prefix are ever contacted.
 */

/** One trusted prefix, parsed: scheme, host, port (`null`: any port) and path prefix. */
export interface ServiceUrlPrefix {
  readonly protocol: 'https:' | 'http:';
  readonly hostname: string;
  readonly port: number | null;
  /** Always ends with `/`, so `/teams/` does not cover `/teamsevil/`. */
  readonly path: string;
  /** As written in the setting, for messages. */
  readonly text: string;
}

/** Microsoft's public-cloud Teams Bot Connector (all regions: /teams/, /amer/, /emea/, /apac/, ...). */
export const PUBLIC_TEAMS_SERVICE_URLS: readonly string[] = ['https://smba.trafficmanager.net/'];

/** Loopback on any port: the Agents Playground (http://localhost:56150/_connector) and test connectors. */
export const LOOPBACK_SERVICE_URLS: readonly string[] = ['http://127.0.0.1:', 'http://localhost:', 'http://[::1]:'];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const DEFAULT_PORT = { 'https:': 443, 'http:': 80 } as const;
const PREFIX = /^(https?):\/\/(\[[0-9a-fA-F:.]+\]|[^/:?#@\s\\[\]]+)(?::(\d{1,5}|\*)?)?(\/[^?#\s\\]*)?$/i;

/**
 * Parses one prefix: `scheme://host[:port][/path]`; a bare `:` or `:*` after the host means any
 * port, no port means the scheme's default. The host is normalised as the WHATWG URL parser does.
 * @returns the prefix, or a message saying what is wrong
 */
export function parseServiceUrlPrefix(text: string): ServiceUrlPrefix | string {
  const m = PREFIX.exec(text);
  if (!m) return `"${text}" is not a URL prefix such as https://smba.trafficmanager.net/`;
  const protocol = `${m[1]!.toLowerCase()}:` as 'https:' | 'http:';
  let hostname: string;
  try {
    hostname = new URL(`${protocol}//${m[2]}/`).hostname;
  } catch {
    return `"${text}" does not name a valid host`;
  }
  const portText = m[3];
  const anyPort = portText === '*' || (portText === undefined && text.slice(m[1]!.length + 3 + m[2]!.length).startsWith(':'));
  const port = anyPort ? null : portText ? Number(portText) : DEFAULT_PORT[protocol];
  if (port !== null && (port < 1 || port > 65535)) return `"${text}" has an invalid port`;
  const rawPath = new URL(m[4] ?? '/', 'http://x').pathname;
  const path = rawPath.endsWith('/') ? rawPath : `${rawPath}/`;
  return { protocol, hostname, port, path, text };
}

/**
 * Reads SERVICE_URL_ALLOWLIST (comma-separated prefixes). Unset: Microsoft's public-cloud Teams
 * service URL in authenticated mode, loopback on any port in local mode. http is accepted only
 * on loopback (it never leaves the machine): in local mode, and in authenticated mode outside
 * production when listed explicitly (a local stand-in connector); NODE_ENV=production takes https only.
 * @returns the parsed prefixes, or a message listing what is wrong
 */
export function parseServiceUrlAllowlist(
  setting: string | undefined,
  mode: { authenticated: boolean; production: boolean },
): readonly ServiceUrlPrefix[] | string {
  const { authenticated, production } = mode;
  const items =
    setting === undefined
      ? [...(authenticated ? PUBLIC_TEAMS_SERVICE_URLS : LOOPBACK_SERVICE_URLS)]
      : setting
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  if (items.length === 0) return 'give at least one URL prefix, such as https://smba.trafficmanager.net/';
  const problems: string[] = [];
  const prefixes: ServiceUrlPrefix[] = [];
  for (const item of items) {
    const p = parseServiceUrlPrefix(item);
    if (typeof p === 'string') problems.push(p);
    else if (p.protocol === 'http:' && (production || !LOOPBACK_HOSTS.has(p.hostname))) {
      problems.push(
        `"${item}" must use https${production ? ' with NODE_ENV=production' : ' (http is allowed only on 127.0.0.1, localhost or [::1])'}`,
      );
    } else prefixes.push(Object.freeze(p));
  }
  return problems.length ? problems.join('; ') : Object.freeze(prefixes);
}

/** The origin (scheme, host, port) of a URL for logs and messages; never the path or query. */
export function originOf(url: unknown): string {
  if (typeof url !== 'string' || url === '') return '(none)';
  try {
    return new URL(url).origin;
  } catch {
    return '(not a URL)';
  }
}

/**
 * Whether a service URL lies under one of the trusted prefixes: same scheme, host and port, and
 * a path under the prefix's path, compared on the parsed URL (so
 * https://smba.trafficmanager.net.evil.example/ and https://smba.trafficmanager.net@evil.example/
 * do not match). URLs with credentials, backslashes or white space are never trusted.
 */
export function isTrustedServiceUrl(allowlist: readonly ServiceUrlPrefix[], url: unknown): boolean {
  if (typeof url !== 'string' || url.length > 2048 || /[\s\\]/.test(url)) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password || (u.protocol !== 'https:' && u.protocol !== 'http:')) return false;
  const port = u.port ? Number(u.port) : DEFAULT_PORT[u.protocol];
  const path = u.pathname.endsWith('/') ? u.pathname : `${u.pathname}/`;
  return allowlist.some(
    (p) => p.protocol === u.protocol && p.hostname === u.hostname && (p.port === null || p.port === port) && path.startsWith(p.path),
  );
}

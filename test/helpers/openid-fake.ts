import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Claims of a Bot Framework channel token (iss, aud, serviceurl, nbf, exp) plus anything else. */
export type Claims = Record<string, unknown>;

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/**
 * A local stand-in for the Bot Framework's OpenID metadata and JWKS endpoints, on 127.0.0.1, with an
 * RSA key of its own: tests sign channel tokens exactly as the Bot Connector service does (RS256,
 * `kid` in the header, the key endorsed for msteams). `silent` accepts connections and never answers.
 */
export class OpenIdFake {
  readonly kid = 'test-signing-key';
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  /** A second key the JWKS does not list (the "unknown key" case). */
  private readonly stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  /** Requests received, by path. */
  readonly hits: string[] = [];
  url = '';

  constructor(private readonly mode: 'ok' | 'silent' = 'ok') {}

  /** The OpenID metadata document URL (botbuilder's ToBotFromChannelOpenIdMetadataUrl). */
  get metadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.hits.push(req.url ?? '');
      if (this.mode === 'silent') return; // never answers
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/v1/.well-known/openidconfiguration')
        return json(200, {
          issuer: 'https://api.botframework.com',
          jwks_uri: `${this.url}/v1/.well-known/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
        });
      if (req.url === '/v1/.well-known/keys') {
        const jwk = this.keys.publicKey.export({ format: 'jwk' });
        return json(200, { keys: [{ ...jwk, kid: this.kid, use: 'sig', endorsements: ['msteams'] }] });
      }
      json(404, { error: 'not found' });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /**
   * A compact JWT over `claims`.
   * @param options.alg RS256 (default), `none` (no signature) or HS256 (HMAC keyed with the public key PEM: the algorithm-confusion attack)
   * @param options.key `stranger` signs with a key the JWKS does not list
   */
  sign(claims: Claims, options: { alg?: 'RS256' | 'none' | 'HS256'; kid?: string; key?: 'own' | 'stranger' } = {}): string {
    const alg = options.alg ?? 'RS256';
    const head = b64({ alg, typ: 'JWT', kid: options.kid ?? this.kid, x5t: options.kid ?? this.kid });
    const input = `${head}.${b64(claims)}`;
    if (alg === 'none') return `${input}.`;
    if (alg === 'HS256') {
      const secret = this.keys.publicKey.export({ type: 'spki', format: 'pem' });
      return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    }
    const key: KeyObject = options.key === 'stranger' ? this.stranger.privateKey : this.keys.privateKey;
    return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
  }
}

/** Seconds since the epoch, for nbf/exp. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

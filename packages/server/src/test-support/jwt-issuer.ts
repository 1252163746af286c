import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload, type KeyLike } from 'jose';

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  jwk: JWK;
}

export interface TokenOptions {
  /** Signing key id; it must have been made with `addKey`. @default the first key */
  kid?: string;
  /** Seconds from now; `null` leaves `exp` out. @default 3600 */
  expiresIn?: number | null;
  /** Seconds from now for `nbf`; absent: no `nbf`. */
  notBefore?: number;
  /** Seconds from now for `iat`. @default 0 */
  issuedAt?: number;
  /** Overrides the issuer's `iss`. */
  issuer?: string;
}

/**
 * A JWT issuer for tests: RSA keys made here with jose, their JWKS served over plain HTTP on
 * 127.0.0.1 (with an OIDC discovery document), and tokens signed with them. It counts JWKS
 * downloads so tests can see the verifier's cache and refresh.
 */
export class TestJwtIssuer {
  readonly #keys: SigningKey[] = [];
  /** Keys that sign tokens but are not published (an attacker's, or not rotated in yet). */
  readonly #unpublished = new Set<string>();
  jwksFetches = 0;

  private constructor(readonly server: Server, readonly baseUrl: string, public issuer: string) {}

  /** Starts the JWKS server; `issuer` defaults to the server's own URL (for OIDC discovery). */
  static async start(issuer?: string): Promise<TestJwtIssuer> {
    let self: TestJwtIssuer | undefined;
    const server = createServer((req, res) => {
      const body =
        req.url === '/jwks.json' ? (self!.jwksFetches++, self!.jwks()) : req.url === '/.well-known/openid-configuration' ? { issuer: self!.issuer, jwks_uri: `${self!.baseUrl}/jwks.json` } : undefined;
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    self = new TestJwtIssuer(server, baseUrl, issuer ?? baseUrl);
    await self.addKey('key-1');
    return self;
  }

  get jwksUri(): string {
    return `${this.baseUrl}/jwks.json`;
  }

  /** Makes an RS256 key; `published: false` keeps it out of the JWKS. */
  async addKey(kid: string, published = true): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    this.#keys.push({ kid, privateKey, jwk });
    if (!published) this.#unpublished.add(kid);
  }

  publish(kid: string): void {
    this.#unpublished.delete(kid);
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.#keys.filter((k) => !this.#unpublished.has(k.kid)).map((k) => k.jwk) };
  }

  /** A signed RS256 token with `claims` (add `aud`, `sub`, `token_use`, ... there). */
  async token(claims: JWTPayload, options: TokenOptions = {}): Promise<string> {
    const key = options.kid === undefined ? this.#keys[0]! : this.#keys.find((k) => k.kid === options.kid);
    if (key === undefined) throw new Error(`no test key ${options.kid}`);
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? this.issuer)
      .setIssuedAt(now + (options.issuedAt ?? 0));
    if (options.expiresIn !== null) jwt.setExpirationTime(now + (options.expiresIn ?? 3600));
    if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
    return jwt.sign(key.privateKey);
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    return closed;
  }
}

/** The same claims with `alg: none` and no signature: must never verify. */
export function unsignedToken(token: string): string {
  const [, payload] = token.split('.');
  return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
}

/** The token with one claim changed after signing: the signature no longer matches. */
export function tamperedToken(token: string, claims: JWTPayload): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const changed = { ...(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JWTPayload), ...claims };
  return `${header}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`;
}

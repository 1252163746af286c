import { denied } from './denied.js';
import { JwtVerifier, bearerToken, tokenExpiry, unverifiedIssuer, type JwtVerifierOptions } from './jwt.js';
import type { AuthGrant, AuthRequest, Authorizer } from './types.js';

export interface OidcOptions extends JwtVerifierOptions {
  /** When set, `aud` (ID tokens) or `client_id` (access tokens) must equal it. */
  readonly clientId?: string | undefined;
  /** Milliseconds a token stays valid after its `iat`; 0 means no limit. AppSync's `iatTTL`. */
  readonly iatTTL?: number | undefined;
  /** Milliseconds a token stays valid after its `auth_time`; 0 means no limit. AppSync's `authTTL`. */
  readonly authTTL?: number | undefined;
}

/**
 * `OPENID_CONNECT` mode: a JWT from the configured issuer in `authorization` (bare or `Bearer`),
 * verified against the issuer's key set; then `clientId`, `iatTTL` and `authTTL` as AppSync
 * applies them. The identity is `{ sub, issuer, claims }`.
 */
export class OidcAuthorizer implements Authorizer {
  readonly mode = 'OPENID_CONNECT' as const;
  readonly #verifier: JwtVerifier;
  readonly #options: OidcOptions;
  readonly #now: () => number;

  constructor(options: OidcOptions) {
    this.#verifier = new JwtVerifier(options);
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  presents(request: AuthRequest): boolean {
    const token = bearerToken(request.headers);
    return token !== undefined && unverifiedIssuer(token) === this.#verifier.issuer;
  }

  async authorize(request: AuthRequest): Promise<AuthGrant> {
    const claims = await this.#verifier.verify(bearerToken(request.headers) ?? '');
    const { clientId, iatTTL, authTTL } = this.#options;
    if (clientId !== undefined && !audienceMatches(claims, (aud) => aud === clientId)) {
      throw denied('the token was issued for another client');
    }
    if (iatTTL !== undefined && iatTTL > 0 && !withinTtl(claims['iat'], iatTTL, this.#now())) {
      throw denied('the token is older than iatTTL allows');
    }
    if (authTTL !== undefined && authTTL > 0 && !withinTtl(claims['auth_time'], authTTL, this.#now())) {
      throw denied('the authentication is older than authTTL allows');
    }
    const expiresAt = tokenExpiry(claims);
    return { mode: this.mode, identity: { sub: claims.sub ?? null, issuer: claims.iss ?? null, claims }, ...(expiresAt === undefined ? {} : { expiresAt }) };
  }
}

/** Whether `aud` (a string or a list) or `client_id` satisfies `matches`. */
export function audienceMatches(claims: Record<string, unknown>, matches: (aud: string) => boolean): boolean {
  const aud = claims['aud'];
  const audiences = [...(Array.isArray(aud) ? aud : [aud]), claims['client_id']];
  return audiences.some((a) => typeof a === 'string' && matches(a));
}

function withinTtl(epochSeconds: unknown, ttlMs: number, now: number): boolean {
  return typeof epochSeconds === 'number' && now - epochSeconds * 1000 <= ttlMs;
}

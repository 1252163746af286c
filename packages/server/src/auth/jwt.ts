import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { ProtocolError, type AuthHeaders } from '@switchboard/protocol';
import type { Logger } from '../log/logger.js';

/** Asymmetric JWS algorithms a JWKS can verify. `none` and the HMAC family are never accepted. */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export interface JwtVerifierOptions {
  /** The exact `iss` tokens must carry. */
  readonly issuer: string;
  /** @default discovered from `<issuer>/.well-known/openid-configuration` */
  readonly jwksUri?: string | undefined;
  readonly algorithms: readonly JwtAlgorithm[];
  /** Leeway for `exp`, `nbf` and `iat`. */
  readonly clockSkewSec: number;
  /** Refuse tokens without an `exp` claim (they would be valid forever). @default true */
  readonly requireExp?: boolean | undefined;
  /** Minimum time between two JWKS downloads (an unknown `kid` triggers one). @default 30000 */
  readonly jwksCooldownMs?: number;
  readonly now?: () => number;
  readonly log?: Logger;
}

/**
 * The raw token of the `authorization` header: AppSync accepts it bare (what Amplify sends) or
 * with the `Bearer` scheme.
 */
export function bearerToken(headers: AuthHeaders): string | undefined {
  const value = headers['authorization']?.trim();
  if (value === undefined || value === '') return undefined;
  return /^bearer\s+/i.test(value) ? value.replace(/^bearer\s+/i, '') : value;
}

/**
 * The `iss` claim of a JWT, read WITHOUT verifying anything: only to route a request to the
 * authorizer that will verify it. `undefined` when the value is not a JWT.
 */
export function unverifiedIssuer(token: string): string | undefined {
  if (token.split('.').length !== 3) return undefined;
  try {
    const iss = decodeJwt(token).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** When a verified token stops being valid (epoch ms), from its `exp`; `undefined` without one. */
export function tokenExpiry(claims: JWTPayload): number | undefined {
  return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
}

/**
 * Verifies JWTs from one issuer against its JSON Web Key Set: signature with a pinned algorithm,
 * `iss`, `exp` (required unless `requireExp` is false), `nbf` and `iat` (neither may lie in the
 * future) with `clockSkewSec` of leeway. The key set is downloaded on first use,
 * cached, and downloaded again when a token names an unknown `kid` (at most once per cooldown).
 */
export class JwtVerifier {
  readonly issuer: string;
  readonly #options: JwtVerifierOptions;
  #keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  constructor(options: JwtVerifierOptions) {
    this.issuer = options.issuer;
    this.#options = options;
  }

  /**
   * The verified claims.
   *
   * @throws ProtocolError `UnauthorizedException` for any token that does not verify, and when the
   *   key set cannot be fetched (logged as a warning).
   */
  async verify(token: string): Promise<JWTPayload> {
    const keys = await this.#keySet();
    const now = this.#options.now?.() ?? Date.now();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.issuer,
        algorithms: [...this.#options.algorithms],
        clockTolerance: this.#options.clockSkewSec,
        requiredClaims: this.#options.requireExp === false ? [] : ['exp'],
        currentDate: new Date(now),
      }));
    } catch (err) {
      throw this.#denied(err);
    }
    // jose checks `iat` only against a maximum age; a token "issued" in the future is refused here.
    if (typeof payload.iat === 'number' && payload.iat * 1000 > now + this.#options.clockSkewSec * 1000) {
      throw new ProtocolError('UnauthorizedException', 'You are not authorized to make this call: the token\'s "iat" claim is in the future.');
    }
    return payload;
  }

  #keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.#keys ??= this.#jwksUri().then(
      (uri) => createRemoteJWKSet(new URL(uri), { cooldownDuration: this.#options.jwksCooldownMs ?? 30_000, timeoutDuration: 5000 }),
      (err: unknown) => {
        this.#keys = undefined;
        throw this.#denied(err);
      },
    );
    return this.#keys;
  }

  async #jwksUri(): Promise<string> {
    if (this.#options.jwksUri !== undefined) return this.#options.jwksUri;
    const url = `${this.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`OIDC discovery ${url} answered HTTP ${response.status}`);
    const body = (await response.json()) as { jwks_uri?: unknown };
    if (typeof body.jwks_uri !== 'string') throw new Error(`OIDC discovery ${url} has no jwks_uri`);
    return body.jwks_uri;
  }

  #denied(err: unknown): ProtocolError {
    if (err instanceof ProtocolError) return err;
    const reason = describe(err);
    if (reason === undefined) this.#options.log?.warn('could not fetch the JSON Web Key Set', { issuer: this.issuer, err });
    return new ProtocolError('UnauthorizedException', `You are not authorized to make this call: ${reason ?? 'the signing keys could not be fetched'}.`, { cause: err });
  }
}

/** A client-facing reason for a token that did not verify; `undefined` for a server-side failure. */
function describe(err: unknown): string | undefined {
  if (err instanceof errors.JWTExpired) return 'the token has expired';
  if (err instanceof errors.JWTClaimValidationFailed && err.reason === 'missing') return `the token has no "${err.claim}" claim`;
  if (err instanceof errors.JWTClaimValidationFailed) return `the token's "${err.claim}" claim is not valid`;
  if (err instanceof errors.JWKSNoMatchingKey) return 'the token was not signed by a known key';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'the token uses an algorithm that is not allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is not valid';
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return undefined;
  if (err instanceof errors.JOSEError) return 'the token is not a valid JWT';
  return undefined;
}

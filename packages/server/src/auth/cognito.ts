import { JwtVerifier, bearerToken, tokenExpiry, unverifiedIssuer } from './jwt.js';
import { denied } from './denied.js';
import { audienceMatches } from './oidc.js';
import type { AuthGrant, AuthRequest, Authorizer } from './types.js';

export interface CognitoOptions {
  readonly userPoolId: string;
  readonly region: string;
  /** When set, the app client id (`aud` of ID tokens, `client_id` of access tokens) must match it in full. */
  readonly appIdClientRegex?: string | undefined;
  /** @default `https://cognito-idp.<region>.amazonaws.com/<userPoolId>/.well-known/jwks.json` */
  readonly jwksUri?: string | undefined;
  /** @default 5 */
  readonly clockSkewSec?: number | undefined;
  readonly jwksCooldownMs?: number;
  readonly now?: () => number;
}

/** The `iss` of every token a Cognito user pool issues. */
export function cognitoIssuer(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

/**
 * `AMAZON_COGNITO_USER_POOLS` mode: an ID or access token of the configured user pool in
 * `authorization` (Amplify sends the access token, bare), verified with RS256 against the pool's
 * key set (`exp` required, `iat` and `nbf` not in the future). The identity is AppSync's `{ sub, issuer, username, claims, sourceIp, defaultAuthStrategy,
 * groups }`.
 */
export class CognitoAuthorizer implements Authorizer {
  readonly mode = 'AMAZON_COGNITO_USER_POOLS' as const;
  readonly #verifier: JwtVerifier;
  readonly #clientId: RegExp | undefined;

  constructor(options: CognitoOptions) {
    const issuer = cognitoIssuer(options.region, options.userPoolId);
    this.#verifier = new JwtVerifier({
      issuer,
      jwksUri: options.jwksUri ?? `${issuer}/.well-known/jwks.json`,
      algorithms: ['RS256'],
      clockSkewSec: options.clockSkewSec ?? 5,
      requireExp: true,
      ...(options.jwksCooldownMs === undefined ? {} : { jwksCooldownMs: options.jwksCooldownMs }),
      ...(options.now ? { now: options.now } : {}),
    });
    this.#clientId = options.appIdClientRegex === undefined ? undefined : new RegExp(`^(?:${options.appIdClientRegex})$`);
  }

  presents(request: AuthRequest): boolean {
    const token = bearerToken(request.headers);
    return token !== undefined && unverifiedIssuer(token) === this.#verifier.issuer;
  }

  async authorize(request: AuthRequest): Promise<AuthGrant> {
    const claims = await this.#verifier.verify(bearerToken(request.headers) ?? '');
    const use = claims['token_use'];
    if (use !== 'id' && use !== 'access') throw denied('the token is neither an ID token nor an access token');
    const clientId = this.#clientId;
    if (clientId !== undefined && !audienceMatches(claims, (aud) => clientId.test(aud))) {
      throw denied('the token was issued for an app client that is not allowed');
    }
    const username = claims['cognito:username'] ?? claims['username'] ?? null;
    const groups = claims['cognito:groups'];
    return {
      mode: this.mode,
      identity: {
        sub: claims.sub ?? null,
        issuer: claims.iss ?? null,
        username,
        claims,
        sourceIp: request.sourceIp === undefined ? [] : [request.sourceIp],
        defaultAuthStrategy: 'ALLOW',
        groups: Array.isArray(groups) ? groups : null,
      },
      // Cognito always sets `exp`, and the verifier requires it.
      expiresAt: tokenExpiry(claims) as number,
    };
  }
}

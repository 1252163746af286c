import type { AuthHeaders } from '@switchboard/protocol';

/** AppSync's auth mode names. Only the modes with an `Authorizer` configured can be used. */
export const AUTH_MODES = [
  'API_KEY',
  'AMAZON_COGNITO_USER_POOLS',
  'OPENID_CONNECT',
  'AWS_LAMBDA',
  'AWS_IAM',
] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** The operation being authorized, named as AppSync's Lambda authorizer request names it. */
export type AuthOperation = 'EVENT_CONNECT' | 'EVENT_PUBLISH' | 'EVENT_SUBSCRIBE';

export interface AuthRequest {
  readonly operation: AuthOperation;
  /** Lower-cased header names: the credentials and request headers of this operation. */
  readonly headers: AuthHeaders;
  /** Absent for EVENT_CONNECT. */
  readonly namespace?: string;
  /** Normalized channel path; absent for EVENT_CONNECT. */
  readonly channel?: string;
  /**
   * The body a SigV4 signature covers (D17): `{}` for a WebSocket connect,
   * `JSON.stringify({channel})` for a subscribe and `JSON.stringify({channel, events})` for a
   * WebSocket publish (the channel as the client sent it), the raw body for HTTP. A function, so
   * modes that do not sign pay nothing.
   */
  readonly signedBody?: () => string;
  /** The client's address, for identities that carry `sourceIp`. */
  readonly sourceIp?: string;
  /**
   * The request's id (`x-amzn-requestid` over HTTP): a Lambda authorizer gets it as
   * `requestContext.requestId`, so its logs match the server's and the client's.
   */
  readonly requestId?: string;
  /** The X-Ray trace header of the auth span when tracing is on: a Lambda authorizer receives it as Lambda passes a trace. */
  readonly traceId?: string;
  /**
   * A check made before the full one (`POST /event` before its body is read): a grant is not yet
   * the decision, so only a refusal is reported to `AuthService`'s listener.
   */
  readonly preliminary?: boolean;
}

/** What a handler sees as `ctx.identity`: `null` for API keys, a mode-specific object otherwise. */
export type Identity = Readonly<Record<string, unknown>> | null;

export interface AuthGrant {
  readonly mode: AuthMode;
  readonly identity: Identity;
  /**
   * When the credential this grant was made on stops being valid (epoch ms): a JWT's `exp`, an
   * API key's `expires`. Absent when the mode knows no such time (IAM, Lambda). A WebSocket
   * connection authenticated with it is closed then (`auth.closeConnectionsOnExpiry`).
   */
  readonly expiresAt?: number;
}

/**
 * One auth mode. Contract:
 * - `presents` is cheap and synchronous: true when the request carries this mode's kind of
 *   credential (for API keys, an `x-api-key` header). It never verifies anything.
 * - `authorize` verifies the credential for this operation and resolves with the identity, or
 *   rejects with a `ProtocolError` of type `UnauthorizedException`. Any other rejection is a
 *   server fault and is reported as `InternalFailureException`, never as a grant.
 * - Neither logs credentials.
 * - `close`, when present, releases what the authorizer holds (a Lambda authorizer's worker).
 */
export interface Authorizer {
  readonly mode: AuthMode;
  presents(request: AuthRequest): boolean;
  authorize(request: AuthRequest): AuthGrant | Promise<AuthGrant>;
  close?(): Promise<void>;
}

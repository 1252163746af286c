/** Header name -> value. */
export type Headers = Record<string, string>;

/**
 * What a request needs authorized. AppSync authorizes the connection, each subscribe and each
 * publish separately, always as if it were `POST https://<host>/event`; `body` is what it
 * authorizes: `{}` on connect, `{"channel":…}` on subscribe, `{"channel":…,"events":[…]}` on
 * publish (WebSocket or HTTP).
 */
export interface AuthRequest {
  /** The URL to sign. */
  readonly url: string;
  /** Headers the request carries and an IAM signature must cover (they include `host`). */
  readonly headers: Readonly<Headers>;
  readonly body: string;
}

/**
 * An AppSync auth mode: gives the headers that authorize a request. Make one with `apiKey`,
 * `token` or `iam`, or implement it for anything else.
 */
export interface Auth {
  /** The headers to send; the client adds `host` where AppSync wants it. */
  headers(request: AuthRequest): Promise<Headers>;
  /**
   * Called when the server refused the credentials `headers` gave. Return true to have the
   * operation retried once with new ones (a token provider asked again); false to fail it.
   */
  refresh?(): boolean;
}

/**
 * `API_KEY` mode: `x-api-key` on every request.
 *
 * @example
 * createClient({ url, auth: apiKey('da2-…') })
 */
export function apiKey(key: string): Auth {
  return { headers: async () => ({ 'x-api-key': key }) };
}

/**
 * A function that returns a token: a Cognito user pool token, an OIDC token or a Lambda
 * authorizer token. `forceRefresh` is true when the last token expired or was refused: return a
 * new one then (with Amplify, `fetchAuthSession({ forceRefresh })`).
 */
export type TokenProvider = (options: { forceRefresh: boolean }) => string | Promise<string>;

/** Seconds before a JWT's `exp` at which it is treated as expired, for clock skew and latency. */
const EXPIRY_MARGIN_S = 5;

/**
 * `AMAZON_COGNITO_USER_POOLS`, `OPENID_CONNECT` and `AWS_LAMBDA` modes: the token in
 * `Authorization`. The token is kept and reused; `provider` is called again when a JWT's `exp` has
 * passed (5 s margin), or when the server refuses the token, after which the refused operation
 * is retried once. Concurrent needs share one call.
 *
 * @example
 * token(async ({ forceRefresh }) => (await fetchAuthSession({ forceRefresh })).tokens!.accessToken.toString())
 */
export function token(provider: TokenProvider): Auth {
  let current: Promise<string> | undefined;
  let expiresAt = Infinity;
  let refused = false;
  const fetch = (forceRefresh: boolean): Promise<string> => {
    const next = Promise.resolve(provider({ forceRefresh })).then((value) => {
      expiresAt = jwtExpiry(value);
      return value;
    });
    next.catch(() => {
      if (current === next) current = undefined;
    });
    return (current = next);
  };
  return {
    async headers() {
      const stale = refused || Date.now() / 1000 > expiresAt - EXPIRY_MARGIN_S;
      if (!current || stale) fetch(stale);
      refused = false;
      return { Authorization: await current! };
    },
    refresh() {
      refused = true;
      return true;
    },
  };
}

/** A JWT's `exp` in epoch seconds; Infinity for an opaque token or one without `exp`. */
function jwtExpiry(value: string): number {
  try {
    const exp = JSON.parse(atob(value.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).exp;
    return typeof exp === 'number' ? exp : Infinity;
  } catch {
    return Infinity;
  }
}

/**
 * Signs a request with AWS Signature Version 4 (service `appsync`). Return every header of the
 * signed request: the ones given plus `authorization`, `x-amz-date` and, for temporary
 * credentials, `x-amz-security-token`. `smithySigner` adapts `@smithy/signature-v4`.
 */
export interface Signer {
  sign(request: AuthRequest & { readonly method: 'POST' }): Promise<Headers>;
}

/**
 * `AWS_IAM` mode: every request signed by `signer`, with the body AppSync verifies.
 *
 * @example
 * iam(smithySigner(new SignatureV4({ credentials, region: 'us-east-1', service: 'appsync', sha256: Sha256 })))
 */
export function iam(signer: Signer): Auth {
  return { headers: (request) => signer.sign({ method: 'POST', ...request }) };
}

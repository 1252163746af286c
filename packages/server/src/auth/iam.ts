import { timingSafeEqual } from 'node:crypto';
import { denied } from './denied.js';
import { SIGV4_ALGORITHM, canonicalRequest, parseAmzDate, parseSigV4Authorization, sha256Hex, sigV4Signature } from './sigv4.js';
import type { AuthGrant, AuthRequest, Authorizer } from './types.js';

export interface IamAccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** When set, requests must carry this `x-amz-security-token` and sign it; when not, they must carry none. */
  readonly sessionToken?: string | undefined;
  /** @default '000000000000' */
  readonly accountId?: string | undefined;
  /** @default the access key id */
  readonly username?: string | undefined;
  /** @default `arn:aws:iam::<accountId>:user/<username>` */
  readonly userArn?: string | undefined;
}

export interface IamOptions {
  readonly accessKeys: readonly IamAccessKey[];
  /** When set, the credential scope's region must be this one. */
  readonly region?: string | undefined;
  /** How far `x-amz-date` may be from the server's clock, either way. @default 300 */
  readonly maxSkewSeconds?: number | undefined;
  readonly now?: () => number;
}

/** AppSync signs every Events request as `POST /event` with no query string (also over WebSocket). */
const METHOD = 'POST';
const PATH = '/event';
const SERVICE = 'appsync';

/**
 * `AWS_IAM` mode: AWS Signature Version 4 verified against access keys configured in Switchboard
 * (there is no AWS to ask). The signed body is `request.signedBody()` (decision D17: `{}` on
 * connect, `{"channel"}` on subscribe, `{"channel","events"}` on a WebSocket publish, the raw body
 * over HTTP), so a WebSocket signature is checked per message. `host` and `x-amz-date` must be
 * signed, `x-amz-date` must be within `maxSkewSeconds` of now (a replay window), and signatures
 * are compared in constant time.
 */
export class IamAuthorizer implements Authorizer {
  readonly mode = 'AWS_IAM' as const;
  readonly #keys: ReadonlyMap<string, IamAccessKey>;
  readonly #region: string | undefined;
  readonly #maxSkewMs: number;
  readonly #now: () => number;

  constructor(options: IamOptions) {
    this.#keys = new Map(options.accessKeys.map((k) => [k.accessKeyId, k]));
    this.#region = options.region;
    this.#maxSkewMs = (options.maxSkewSeconds ?? 300) * 1000;
    this.#now = options.now ?? Date.now;
  }

  presents(request: AuthRequest): boolean {
    return request.headers['authorization']?.startsWith(SIGV4_ALGORITHM) === true;
  }

  authorize(request: AuthRequest): AuthGrant {
    const key = this.#verify(request);
    const accountId = key.accountId ?? '000000000000';
    const username = key.username ?? key.accessKeyId;
    return {
      mode: this.mode,
      identity: {
        accountId,
        cognitoIdentityPoolId: null,
        cognitoIdentityId: null,
        sourceIp: request.sourceIp === undefined ? [] : [request.sourceIp],
        username,
        userArn: key.userArn ?? `arn:aws:iam::${accountId}:user/${username}`,
        cognitoIdentityAuthType: null,
        cognitoIdentityAuthProvider: null,
      },
    };
  }

  #verify(request: AuthRequest): IamAccessKey {
    const headers = request.headers;
    const auth = parseSigV4Authorization(headers['authorization'] ?? '');
    if (auth === undefined) throw denied('the Authorization header is not a valid SigV4 signature');
    if (auth.service !== SERVICE) throw denied(`the signature is for service "${auth.service}", not "${SERVICE}"`);
    if (this.#region !== undefined && auth.region !== this.#region) throw denied(`the signature is for region "${auth.region}", not "${this.#region}"`);
    const key = this.#keys.get(auth.accessKeyId);
    if (key === undefined) throw denied('the access key is not known');
    for (const required of ['host', 'x-amz-date']) {
      if (!auth.signedHeaders.includes(required)) throw denied(`the ${required} header must be signed`);
    }
    const missing = auth.signedHeaders.find((name) => headers[name] === undefined);
    if (missing !== undefined) throw denied(`the signed header ${missing} is missing`);
    const amzDate = headers['x-amz-date'] as string;
    const signedAt = parseAmzDate(amzDate);
    if (signedAt === undefined || !amzDate.startsWith(auth.date)) throw denied('x-amz-date is malformed or does not match the credential scope');
    if (Math.abs(this.#now() - signedAt) > this.#maxSkewMs) throw denied('the signature has expired or is not yet valid (x-amz-date is outside the allowed window)');
    this.#checkSessionToken(key, headers['x-amz-security-token'], auth.signedHeaders);
    if (request.signedBody === undefined) throw denied('this request cannot be signed');
    const canonical = canonicalRequest({
      method: METHOD,
      path: PATH,
      query: '',
      headers,
      signedHeaders: auth.signedHeaders,
      payloadHash: sha256Hex(request.signedBody()),
    });
    const expected = sigV4Signature(key.secretAccessKey, amzDate, auth.scope, canonical);
    if (!timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(auth.signature, 'hex'))) {
      throw denied('the signature does not match');
    }
    return key;
  }

  #checkSessionToken(key: IamAccessKey, presented: string | undefined, signed: readonly string[]): void {
    if (key.sessionToken === undefined) {
      if (presented !== undefined) throw denied('a session token was sent for credentials that have none');
      return;
    }
    if (presented === undefined || !signed.includes('x-amz-security-token')) throw denied('the session token is missing or not signed');
    const a = Buffer.from(sha256Hex(presented), 'hex');
    const b = Buffer.from(sha256Hex(key.sessionToken), 'hex');
    if (!timingSafeEqual(a, b)) throw denied('the session token is not valid');
  }
}

import { timingSafeEqual } from 'node:crypto';
import type { AuthHeaders } from '@switchboard/protocol';
import { denied } from './denied.js';
import { HostList, defaultIamHosts } from './iam-hosts.js';
import { signatureMismatch } from './sigv4-mismatch.js';
import { SIGV4_ALGORITHM, canonicalRequest, parseSigV4Authorization, requestDate, sha256Hex, sigV4Signature } from './sigv4.js';
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
  /** The `host` values signatures may be made for (see `HostList`). @default defaultIamHosts() */
  readonly hosts?: readonly string[] | undefined;
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
 * over HTTP), so a WebSocket signature is checked per message.
 *
 * What is checked is what SigV4 verification requires, no more: `host` signed, and one of
 * `hosts`; the request time (`x-amz-date`, or `date`, signed or not: it is in the string to sign)
 * within `maxSkewSeconds` of now, a replay window; the credential scope's date, service
 * `appsync` and region; the session token of temporary keys; and the signature, compared in
 * constant time. A signed header the request lacks counts as empty, except `content-length`,
 * which is the signed body's length (signers such as the AWS SDK for Go sign it; WebSocket clients
 * leave it out of the `header-` object). A wrong signature is `BadRequestException` with the
 * canonical request and string to sign the server computed, as AWS answers; other failures are
 * `UnauthorizedException`.
 */
export class IamAuthorizer implements Authorizer {
  readonly mode = 'AWS_IAM' as const;
  readonly #keys: ReadonlyMap<string, IamAccessKey>;
  readonly #region: string | undefined;
  readonly #maxSkewMs: number;
  readonly #hosts: HostList;
  readonly #now: () => number;

  constructor(options: IamOptions) {
    this.#keys = new Map(options.accessKeys.map((k) => [k.accessKeyId, k]));
    this.#region = options.region;
    this.#hosts = new HostList(options.hosts ?? defaultIamHosts(undefined));
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
    if (!auth.signedHeaders.includes('host')) throw denied('the host header must be signed');
    const host = headers['host'] ?? '';
    if (!this.#hosts.matches(host)) throw denied(`the signature is for host "${host}", which is not one of auth.iam.hosts (${this.#hosts})`);
    const date = requestDate(headers);
    if (date === undefined || !date.amzDate.startsWith(auth.date)) throw denied('x-amz-date is missing, malformed or does not match the credential scope');
    if (Math.abs(this.#now() - date.ms) > this.#maxSkewMs) throw denied('the signature has expired or is not yet valid (x-amz-date is outside the allowed window)');
    this.#checkSessionToken(key, headers['x-amz-security-token']);
    if (request.signedBody === undefined) throw denied('this request cannot be signed');
    const body = request.signedBody();
    const input = {
      method: METHOD,
      path: PATH,
      query: '',
      headers: withContentLength(headers, auth.signedHeaders, body),
      signedHeaders: auth.signedHeaders,
      payloadHash: sha256Hex(body),
    };
    const canonical = canonicalRequest(input);
    const expected = sigV4Signature(key.secretAccessKey, date.amzDate, auth.scope, canonical);
    if (!timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(auth.signature, 'hex'))) {
      throw signatureMismatch(input, date.amzDate, auth.scope);
    }
    return key;
  }

  /** Temporary credentials need their token, signed or not (some signers add it after signing). */
  #checkSessionToken(key: IamAccessKey, presented: string | undefined): void {
    if (key.sessionToken === undefined) {
      if (presented !== undefined) throw denied('a session token was sent for credentials that have none');
      return;
    }
    if (presented === undefined) throw denied('the session token is missing');
    const a = Buffer.from(sha256Hex(presented), 'hex');
    const b = Buffer.from(sha256Hex(key.sessionToken), 'hex');
    if (!timingSafeEqual(a, b)) throw denied('the session token is not valid');
  }
}

/** `headers` with `content-length` set to the body's byte length when it is signed but absent. */
function withContentLength(headers: AuthHeaders, signed: readonly string[], body: string): AuthHeaders {
  if (headers['content-length'] !== undefined || !signed.includes('content-length')) return headers;
  return { ...headers, 'content-length': String(Buffer.byteLength(body, 'utf8')) };
}

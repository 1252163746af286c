import { createHash, createHmac } from 'node:crypto';
import type { AuthHeaders } from '@switchboard/protocol';

/** The algorithm name that starts a SigV4 `Authorization` header. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export interface SigV4Authorization {
  readonly accessKeyId: string;
  /** `YYYYMMDD` from the credential scope. */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  /** `<date>/<region>/<service>/aws4_request`. */
  readonly scope: string;
  /** Lower-cased, in the order the client listed them. */
  readonly signedHeaders: readonly string[];
  /** 64 lower-case hex digits. */
  readonly signature: string;
}

/** What a SigV4 signature covers, in the terms of the AWS canonical request. */
export interface CanonicalInput {
  readonly method: string;
  /** The URI path, already canonical (for AppSync Events always `/event`). */
  readonly path: string;
  /** The canonical query string; empty for AppSync Events. */
  readonly query: string;
  /** Lower-cased header names to values. */
  readonly headers: AuthHeaders;
  readonly signedHeaders: readonly string[];
  /** Hex SHA-256 of the body. */
  readonly payloadHash: string;
}

/**
 * Parses a SigV4 `Authorization` header value. Returns `undefined` for anything malformed, so a
 * caller never has to tell a parse error from a bad signature.
 */
export function parseSigV4Authorization(value: string): SigV4Authorization | undefined {
  if (!value.startsWith(SIGV4_ALGORITHM + ' ')) return undefined;
  const fields = new Map<string, string>();
  for (const part of value.slice(SIGV4_ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential')?.split('/');
  const signedHeaders = fields.get('SignedHeaders')?.split(';');
  const signature = fields.get('Signature');
  if (credential?.length !== 5 || signedHeaders === undefined || signature === undefined) return undefined;
  const [accessKeyId, date, region, service, terminator] = credential as [string, string, string, string, string];
  if (accessKeyId === '' || !/^\d{8}$/.test(date) || region === '' || service === '' || terminator !== 'aws4_request') return undefined;
  if (!/^[0-9a-f]{64}$/.test(signature) || signedHeaders.some((h) => h === '' || h !== h.toLowerCase())) return undefined;
  return { accessKeyId, date, region, service, scope: `${date}/${region}/${service}/aws4_request`, signedHeaders, signature };
}

/**
 * The canonical request of AWS Signature Version 4: method, path, query, the signed headers as
 * `name:value` lines (names sorted, values trimmed with inner whitespace runs collapsed), the
 * sorted signed-header list, and the payload hash.
 */
export function canonicalRequest(input: CanonicalInput): string {
  const names = [...input.signedHeaders].sort();
  const lines = names.map((name) => `${name}:${((Object.hasOwn(input.headers, name) ? input.headers[name] : undefined) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  return [input.method, input.path, input.query, lines, names.join(';'), input.payloadHash].join('\n');
}

/** The string to sign: algorithm, request date, credential scope and the canonical request's hash. */
export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
}

/** The hex HMAC-SHA256 signature of a canonical request, with the key derived from the secret. */
export function sigV4Signature(secretAccessKey: string, amzDate: string, scope: string, canonical: string): string {
  const [date, region, service] = scope.split('/') as [string, string, string];
  let key: Buffer = hmac(`AWS4${secretAccessKey}`, date);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  return createHmac('sha256', key).update(stringToSign(amzDate, scope, canonical), 'utf8').digest('hex');
}

/**
 * The request's signing time: `x-amz-date` (`YYYYMMDDTHHMMSSZ`), or else the HTTP `date` header,
 * which SigV4 also accepts; in the string to sign either way, signed or not. `undefined` when
 * neither is present and well-formed.
 */
export function requestDate(headers: AuthHeaders): { amzDate: string; ms: number } | undefined {
  const amz = headers['x-amz-date'];
  if (amz !== undefined) {
    const ms = parseAmzDate(amz);
    return ms === undefined ? undefined : { amzDate: amz, ms };
  }
  const http = headers['date'];
  const ms = http === undefined ? NaN : Date.parse(http);
  if (Number.isNaN(ms)) return undefined;
  return { amzDate: new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, ''), ms };
}

/** `YYYYMMDDTHHMMSSZ` to epoch milliseconds, or `undefined` when malformed. */
export function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m === null) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(ms) ? undefined : ms;
}

export function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

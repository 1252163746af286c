import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { TestCredentials } from './sigv4-client.js';

export interface SmithySignOptions {
  region?: string;
  date?: Date;
  /** Header names the signer must leave out of SignedHeaders (its value stays in the request). */
  unsigned?: string[];
  /** Extra headers to sign. */
  headers?: Record<string, string>;
  /** Sign `content-length` (the byte length of `body`), as the AWS SDK for Go v2 does. @default true */
  contentLength?: boolean;
}

/**
 * SigV4 headers from the AWS SDK v3 signer (`@smithy/signature-v4`, with Node's SHA-256 from
 * `@smithy/hash-node`, as the SDK sets it up in Node) for AppSync's `POST https://<host>/event`
 * over `body`: the independent reference for third-party clients (the Go SDK, auvred's client)
 * that sign differently from Amplify. Returns every header the signer set, lower-cased.
 */
export async function signWithSmithy(host: string, body: string, credentials: TestCredentials, options: SmithySignOptions = {}): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials, region: options.region ?? 'us-east-1', service: 'appsync', sha256: Hash.bind(null, 'sha256') });
  const headers: Record<string, string> = {
    accept: 'application/json, text/javascript',
    'content-encoding': 'amz-1.0',
    'content-type': 'application/json; charset=UTF-8',
    host,
    ...(options.contentLength === false ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
    ...options.headers,
  };
  const signed = await signer.sign(
    { method: 'POST', protocol: 'https:', hostname: host, path: '/event', query: {}, headers, body },
    { ...(options.date ? { signingDate: options.date } : {}), ...(options.unsigned ? { unsignableHeaders: new Set(options.unsigned) } : {}) },
  );
  return Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

/** The `SignedHeaders` list of an Authorization header. */
export function signedHeaderNames(headers: Record<string, string>): string[] {
  return /SignedHeaders=([^,]+)/.exec(headers['authorization'] ?? '')?.[1]?.split(';') ?? [];
}

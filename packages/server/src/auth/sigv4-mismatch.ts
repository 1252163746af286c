import { ProtocolError } from '@switchboard/protocol';
import { canonicalRequest, stringToSign, type CanonicalInput } from './sigv4.js';

/**
 * Header values never echoed, even when a client signed them. AWS echoes the session token in
 * this message; Switchboard does not, so that a client or proxy that logs error messages does not
 * log a credential. The client knows its own token.
 */
const REDACTED = new Set(['x-amz-security-token', 'x-api-key', 'authorization', 'cookie']);

/**
 * The error for a signature that does not match, in AWS's words: `BadRequestException` with the
 * canonical request and string to sign the server computed, so that a signer bug (another body,
 * another host, a header signed with another value) shows in a diff. Neither contains key
 * material: the canonical request holds the client's own signed headers and the body's hash; the
 * string to sign holds the date, the scope and the canonical request's hash.
 */
export function signatureMismatch(input: CanonicalInput, amzDate: string, scope: string): ProtocolError {
  const shown: Record<string, string> = {};
  for (const name of input.signedHeaders) {
    // A signed header name such as `constructor` must not find an inherited property.
    const value = Object.hasOwn(input.headers, name) ? input.headers[name] : undefined;
    if (value !== undefined) shown[name] = REDACTED.has(name) ? '<redacted>' : value;
  }
  const canonical = canonicalRequest({ ...input, headers: shown });
  return new ProtocolError(
    'BadRequestException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
      'Consult the service documentation for details.\n\n' +
      `The Canonical String for this request should have been\n'${canonical}'\n\n` +
      `The String-to-Sign should have been\n'${stringToSign(amzDate, scope, canonicalRequest(input))}'\n`,
  );
}

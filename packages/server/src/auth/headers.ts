import type { IncomingHttpHeaders } from 'node:http';
import { ProtocolError, isRecord, type AuthHeaders } from '@switchboard/protocol';

/** Headers never passed on to auth or handlers: cookies (AppSync drops them) and the handshake's own. */
const DROPPED = new Set(['cookie', 'sec-websocket-protocol', 'sec-websocket-key', 'sec-websocket-extensions', 'sec-websocket-version']);

/** HTTP request headers as a flat, lower-cased map, cookies and handshake headers removed. */
export function requestHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || DROPPED.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * `base` overlaid with `extra` (the later wins), `extra`'s names lower-cased and values stripped
 * of leading and trailing spaces and tabs. Used for decision D16 (upgrade headers < `header-`
 * subprotocol < message `authorization`).
 */
export function mergeHeaders(base: AuthHeaders, extra: AuthHeaders | undefined): AuthHeaders {
  if (extra === undefined) return base;
  const out: Record<string, string> = { ...base };
  for (const name in extra) {
    const lower = name.toLowerCase();
    if (!DROPPED.has(lower)) out[lower] = stripOws(extra[name] as string);
  }
  return out;
}

/**
 * HTTP drops the optional whitespace around a header value before Switchboard sees it (Node's
 * parser does), so `x-api-key: "KEY "` arrives as `KEY`. Header objects sent over WebSocket get
 * the same treatment, so a credential means the same on both transports.
 */
function stripOws(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

/**
 * Decodes the `header-<base64url>` subprotocol: base64url (padding optional) of the UTF-8 JSON of
 * a header object.
 *
 * @throws ProtocolError `BadRequestException` when it is not base64url JSON of an object of strings.
 */
export function decodeHeaderSubprotocol(encoded: string): AuthHeaders {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(encoded)) {
    throw new ProtocolError('BadRequestException', 'The header- subprotocol is not valid base64url');
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new ProtocolError('BadRequestException', 'The header- subprotocol does not decode to JSON');
  }
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new ProtocolError('BadRequestException', 'The header- subprotocol must encode an object of header names to strings');
  }
  return mergeHeaders({}, value as AuthHeaders);
}

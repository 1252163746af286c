/** `util.http` and `util.xml`. */
import type { XMLParser } from 'fast-xml-parser';
import { lazy } from './lazy.js';

const xmlLibrary = lazy<typeof import('fast-xml-parser')>('fast-xml-parser');
let parser: XMLParser | undefined;

/** Headers an HTTP data source request may not set (AppSync's list). */
export const RESTRICTED_HEADERS: readonly string[] = ['host', 'connection', 'user-agent', 'expect', 'expectation', 'transfer-encoding', 'transfer_encoding', 'content-length', 'content_length'];

/** `util.http`. */
export const http = {
  /** A copy of `headers` without the ones an HTTP data source request may not set. */
  copyHeaders(headers: Record<string, unknown> | null | undefined): Record<string, unknown> {
    const copy: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (!RESTRICTED_HEADERS.includes(name.toLowerCase())) copy[name] = value;
    }
    return copy;
  },
  /**
   * Accepted and ignored: an AppSync Events handler has no GraphQL response to add headers to
   * (documented in docs/data-sources.md).
   */
  addResponseHeader(name: string, _value: unknown): void {
    if (typeof name !== 'string' || name === '') throw new TypeError('util.http.addResponseHeader needs a header name');
  },
  /** Accepted and ignored, as `addResponseHeader`. */
  addResponseHeaders(headers: Record<string, unknown>): void {
    if (typeof headers !== 'object' || headers === null) throw new TypeError('util.http.addResponseHeaders needs an object');
  },
};


function toMap(xml: string): Record<string, unknown> | null {
  const { XMLParser, XMLValidator } = xmlLibrary();
  if (typeof xml !== 'string' || XMLValidator.validate(xml) !== true) return null;
  parser ??= new XMLParser({ ignoreDeclaration: true, ignorePiTags: true, parseTagValue: true, trimValues: true });
  return parser.parse(xml) as Record<string, unknown>;
}

/** `util.xml`: element names become keys, repeated elements lists, numeric text numbers. */
export const xml = {
  toMap,
  /** `toMap` as JSON; with `stringEncode`, that JSON again encoded as a JSON string. */
  toJsonString(text: string, stringEncode = false): string {
    const json = JSON.stringify(toMap(text));
    return stringEncode ? JSON.stringify(json) : json;
  },
};

import type { BrokerEvent, BrokerMessage } from './types.js';

/**
 * A message as it travels through Redis, plus the stamp `<node>:<sequence>` of the publish that
 * sent it. The stamp lets a subscriber recognise the several copies Redis sends of one publish when
 * several of its subscriptions match (see `RedisBroker`).
 */
export interface StampedMessage {
  readonly stamp: string;
  readonly message: BrokerMessage;
}

/**
 * Compact JSON: `{"s":stamp,"c":channel,"e":[[id,payload],...],"t":publishedAt}` (`t` optional). Payloads are the publisher's JSON
 * strings, carried as strings so they come out byte for byte as they went in.
 */
export function encodeMessage(stamp: string, message: BrokerMessage): string {
  return JSON.stringify({ s: stamp, c: message.channel, e: message.events.map((e) => [e.id, e.payload]), t: message.publishedAt });
}

/** The message in `raw`, or `undefined` when `raw` was not written by `encodeMessage`. */
export function decodeMessage(raw: string): StampedMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { s, c, e, t } = value as Record<string, unknown>;
  if (typeof s !== 'string' || typeof c !== 'string' || !Array.isArray(e)) return undefined;
  const events: BrokerEvent[] = [];
  for (const pair of e as unknown[]) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') return undefined;
    events.push({ id: pair[0], payload: pair[1] });
  }
  return { stamp: s, message: typeof t === 'number' ? { channel: c, events, publishedAt: t } : { channel: c, events } };
}

/** `url` with its password (and a username-only credential) replaced by `***`, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    else if (parsed.username) parsed.username = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

/** `text` with Redis glob metacharacters escaped, so a PSUBSCRIBE pattern matches it literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

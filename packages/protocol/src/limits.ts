/** Bytes a frame or body may carry besides its events: channel, id, `authorization` headers (JWTs, SigV4). */
export const ENVELOPE_BYTES = 64 * 1024;

/**
 * The largest frame or body a publish within the event limits can need: every event at
 * `eventBytes`, escaped the worst way a common encoder escapes a valid JSON text (ASCII-only
 * encoders such as Python's `json.dumps` write a 2-byte UTF-8 character as the 6 bytes `\u00e9`:
 * three times its size), plus `ENVELOPE_BYTES`.
 */
export function publishFrameBytes(eventsPerPublish: number, eventBytes: number): number {
  return eventsPerPublish * eventBytes * 3 + ENVELOPE_BYTES;
}

/** Protocol limits (decision D13). Every one is configurable in the server; these are defaults. */
export interface Limits {
  /** Events in one publish. @default 5 */
  eventsPerPublish: number;
  /** Bytes of one event (its JSON string, UTF-8). @default 245760 (240 KiB) */
  eventBytes: number;
  /** Active subscriptions on one connection. @default 200 */
  subscriptionsPerConnection: number;
  /** Publishes per second on one connection (token bucket, burst of the same size). @default 25 */
  publishesPerSecond: number;
  /**
   * Messages of any kind per second a connection may send (token bucket holding five seconds'
   * worth, so 200 subscribes at once fit). Past it the connection is closed with 4100. @default 100
   */
  messagesPerSecond: number;
  /**
   * Error replies per second a connection may cause (token bucket holding ten seconds' worth).
   * Past it the server stops answering and closes with 4101. @default 10
   */
  errorsPerSecond: number;
  /**
   * Deepest nesting of arrays and objects in an event, a WebSocket frame or an HTTP body. Checked
   * by a linear scan before anything is parsed, the same for every namespace. @default 128
   */
  jsonDepth: number;
  /**
   * Largest WebSocket frame a client may send; a larger one cannot be read and closes the
   * connection (1009). @default `publishFrameBytes(eventsPerPublish, eventBytes)`: 3751936 (3.58 MiB)
   */
  frameBytes: number;
  /** Largest `POST /event` body (larger: 413). @default `publishFrameBytes(eventsPerPublish, eventBytes)` */
  httpBodyBytes: number;
  /** Bytes queued for a socket before it is closed as a slow consumer. @default 4194304 (4 MiB) */
  sendBufferBytes: number;
  /**
   * Operations queued on one connection and not yet answered: 200 subscribes at once (a client
   * re-subscribing after a reconnect) plus a second of publishes fit. @default 300
   */
  pendingOperations: number;
  /** Maximum connection age in ms. @default 86400000 (24 h) */
  connectionAgeMs: number;
  /** Interval between `ka` frames in ms. @default 60000 */
  keepAliveMs: number;
  /** `connectionTimeoutMs` announced in `connection_ack`. @default 300000 */
  connectionTimeoutMs: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  eventsPerPublish: 5,
  eventBytes: 240 * 1024,
  subscriptionsPerConnection: 200,
  publishesPerSecond: 25,
  messagesPerSecond: 100,
  errorsPerSecond: 10,
  jsonDepth: 128,
  frameBytes: publishFrameBytes(5, 240 * 1024),
  httpBodyBytes: publishFrameBytes(5, 240 * 1024),
  sendBufferBytes: 4 * 1024 * 1024,
  pendingOperations: 300,
  connectionAgeMs: 24 * 60 * 60 * 1000,
  keepAliveMs: 60_000,
  connectionTimeoutMs: 300_000,
});

import type { ProtocolError, PublishResult } from '@switchboard/protocol';
import type { Logger } from '../log/logger.js';

/** One request as its log line describes it. */
export interface RequestLine {
  readonly operation: 'publish' | 'subscribe' | 'unsubscribe' | 'request';
  readonly transport: 'ws' | 'http';
  /** The id handlers, a Lambda authorizer and data sources get; over HTTP, the `x-amzn-requestid` header. */
  readonly requestId?: string | undefined;
  readonly connectionId?: string | undefined;
  /** The client's id for the operation, which it sees in the reply (WebSocket). */
  readonly id?: string | undefined;
  readonly channel?: unknown;
  /** The events as sent: their number at INFO, the events themselves only at ALL. */
  readonly events?: readonly string[] | undefined;
  readonly result?: PublishResult | undefined;
  /** What the client was answered when the request failed. */
  readonly error?: ProtocolError | undefined;
  /** HTTP status sent. */
  readonly status?: number | undefined;
  /** `performance.now()` when the request arrived. */
  readonly receivedAt: number;
}

/**
 * Writes the INFO line of one request (`publish`, `subscribe`, `unsubscribe`, or `request` for an
 * HTTP request refused before it was a publish), with the ids the client sees, the outcome and
 * the time taken. Payloads only at ALL; never headers or credentials.
 */
export function logRequest(log: Logger, line: RequestLine): void {
  if (!log.enabled('info')) return;
  const { error, result, events } = line;
  log.info(line.operation, {
    requestId: line.requestId,
    transport: line.transport,
    connectionId: line.connectionId,
    id: line.id,
    channel: typeof line.channel === 'string' ? line.channel : undefined,
    eventCount: events?.length,
    successful: result?.successful.length,
    failed: result?.failed.length || undefined,
    status: line.status,
    errorType: error?.errorType,
    error: error?.message,
    ms: Math.round((performance.now() - line.receivedAt) * 1000) / 1000,
    ...(events !== undefined && log.enabled('trace') && { events }),
  });
}

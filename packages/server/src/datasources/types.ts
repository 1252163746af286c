import type { DataSourceConfig } from '../config/datasource-schema.js';

/** A data source cannot start: its client package is missing, the embedded store is refused or cannot create a table. */
export class DataSourceStartError extends Error {
  override readonly name = 'DataSourceStartError';
}

/** AppSync's names of the data source types Switchboard runs. */
export type DataSourceType = DataSourceConfig['type'];

/** A data source failure as a handler's `response(ctx)` sees it in `ctx.error`. */
export interface DataSourceError {
  readonly message: string;
  /** `<Source>:<Error>`, e.g. `DynamoDB:ConditionalCheckFailedException` (docs/data-sources.md). */
  readonly type: string;
}

/** One call of a data source, for one handler invocation. */
export interface DataSourceCall {
  readonly operation: 'onPublish' | 'onSubscribe';
  readonly requestId: string;
  /** Epoch ms by which the call must have answered, or given up with a `...:TimeoutError`. */
  readonly deadline: number;
  /** The handler invocation's log tags (namespace, channel, requestId, handler). */
  readonly tags: Readonly<Record<string, string>>;
  /** The X-Ray trace header of the data source span when tracing is on; a Lambda data source passes it to its function. */
  readonly traceId?: string;
}

/**
 * What `response(ctx)` gets: `result` becomes `ctx.result`, `error` (when the call failed)
 * `ctx.error`. A failed call may still carry a result (a cancelled DynamoDB transaction's
 * `cancellationReasons`); otherwise `result` is `null`.
 */
export interface DataSourceAnswer {
  readonly result: unknown;
  readonly error?: DataSourceError;
}

/**
 * One configured data source, shared by every handler that names it.
 *
 * Contract:
 * - `invoke(request, call)` runs the request object a handler's `request(ctx)` returned (plain
 *   JSON, AppSync's shape for this type) and resolves with what lands in `ctx.result` /
 *   `ctx.error`, shaped as AppSync shapes them for this type. It never rejects: a source that is
 *   down, slow, refuses or is given a malformed request answers with `error`.
 * - It answers by `call.deadline`; past it the underlying request is abandoned (aborted where
 *   the client can abort) and the answer is a `<Type>:TimeoutError`.
 * - It holds bounded resources (a connection pool of `maxConnections`), so a slow source delays
 *   only the handlers that use it, never other namespaces.
 * - Neither its errors nor its logs contain the secrets of its configuration (passwords in a
 *   connection string, header values).
 * - `start` (when present) loads the client library and prepares what must exist before the
 *   first call (the embedded store and its tables); it rejects with a message naming the data
 *   source. `close` releases everything; calls after it fail.
 */
export interface DataSource {
  readonly name: string;
  readonly type: DataSourceType;
  /** The per-call budget (`timeoutMs`), within the handler's own. */
  readonly timeoutMs: number;
  start?(): Promise<void>;
  invoke(request: unknown, call: DataSourceCall): Promise<DataSourceAnswer>;
  close(): Promise<void>;
}

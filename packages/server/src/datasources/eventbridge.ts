import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { EventBridgeDataSourceConfig } from '../config/datasource-schema.js';
import type { Logger } from '../log/logger.js';
import { isConnectionError, sourceError } from './errors.js';
import type { DataSource, DataSourceAnswer, DataSourceCall } from './types.js';

type Sdk = typeof import('@aws-sdk/client-eventbridge');

/** EventBridge takes at most this many entries per PutEvents. */
const MAX_ENTRIES = 10;

/**
 * `AMAZON_EVENTBRIDGE`: `request(ctx)` returns `{ operation: 'PutEvents', events: [{ source,
 * detail, detailType, resources?, time? }] }`; the entries go to the configured bus with one
 * `PutEvents` call (AWS SDK v3), and `ctx.result` is `{ Entries, FailedEntryCount }`, index-aligned
 * with the events (a failed entry has `ErrorCode` and `ErrorMessage`; the call itself succeeded).
 * EventBridge's own errors are `ctx.error` with type `EventBridge:<exception name>`.
 */
export class EventBridgeDataSource implements DataSource {
  readonly type = 'AMAZON_EVENTBRIDGE' as const;
  readonly name: string;
  readonly timeoutMs: number;
  #sdk: Sdk | undefined;
  #client: EventBridgeClient | undefined;

  constructor(
    private readonly config: EventBridgeDataSourceConfig,
    private readonly log: Logger,
  ) {
    this.name = config.name;
    this.timeoutMs = config.timeoutMs;
  }

  async start(): Promise<void> {
    try {
      this.#sdk = await import('@aws-sdk/client-eventbridge');
    } catch (err) {
      throw new Error(`it needs the @aws-sdk/client-eventbridge package (npm install @aws-sdk/client-eventbridge): ${(err as Error).message}`, { cause: err });
    }
    this.#client = new this.#sdk.EventBridgeClient({ ...(this.config.region && { region: this.config.region }), ...(this.config.endpoint && { endpoint: this.config.endpoint }) });
    this.log.info('EventBridge data source', { eventBusName: this.config.eventBusName, endpoint: this.config.endpoint ?? 'AWS' });
  }

  async invoke(request: unknown, call: DataSourceCall): Promise<DataSourceAnswer> {
    if (this.#client === undefined || this.#sdk === undefined) return { result: null, error: sourceError('EventBridge', 'ServiceUnavailable', 'the data source is not started') };
    const req = request as { operation?: unknown; events?: unknown } | null;
    const events = req?.events;
    if (req?.operation !== 'PutEvents' || !Array.isArray(events) || events.length === 0 || events.length > MAX_ENTRIES) {
      return { result: null, error: sourceError('EventBridge', 'ValidationException', `request(ctx) must return { operation: 'PutEvents', events: [1 to ${MAX_ENTRIES} entries] }`) };
    }
    const entries = (events as Record<string, unknown>[]).map((e) => ({
      EventBusName: this.config.eventBusName,
      Source: e['source'] as string,
      DetailType: e['detailType'] as string,
      Detail: typeof e['detail'] === 'string' ? e['detail'] : JSON.stringify(e['detail'] ?? {}),
      ...(Array.isArray(e['resources']) && { Resources: e['resources'] as string[] }),
      ...(typeof e['time'] === 'string' && { Time: new Date(e['time']) }),
    }));
    try {
      const output = await this.#client.send(new this.#sdk.PutEventsCommand({ Entries: entries }), { abortSignal: AbortSignal.timeout(Math.max(1, call.deadline - Date.now())) });
      const Entries = (output.Entries ?? []).map((entry) => (entry.EventId !== undefined ? { EventId: entry.EventId } : { ErrorCode: entry.ErrorCode ?? 'Unknown', ErrorMessage: entry.ErrorMessage ?? '' }));
      return { result: { Entries, FailedEntryCount: output.FailedEntryCount ?? 0 } };
    } catch (err) {
      const e = err as Error;
      if (e.name === 'AbortError' || e.name === 'TimeoutError') return { result: null, error: sourceError('EventBridge', 'TimeoutError', `EventBridge did not answer within ${this.timeoutMs} ms`) };
      if (isConnectionError(err)) return { result: null, error: sourceError('EventBridge', 'ConnectionError', `cannot reach EventBridge: ${e.message}`) };
      return { result: null, error: sourceError('EventBridge', e.name || 'Error', e.message) };
    }
  }

  async close(): Promise<void> {
    this.#client?.destroy();
    this.#client = undefined;
  }
}

import type { Logger } from '../log/logger.js';
import { redact, sourceError } from './errors.js';
import { DataSourceStartError, type DataSource, type DataSourceAnswer, type DataSourceCall, type DataSourceType } from './types.js';

/**
 * Holds every data source to its contract, whatever the implementation does: an answer by the
 * deadline (a `<prefix>:TimeoutError` otherwise), no rejection (a throw becomes
 * `<prefix>:InternalError`), no secret in an error, and every failure logged with the request id.
 */
export class GuardedDataSource implements DataSource {
  constructor(
    private readonly inner: DataSource,
    /** The first part of this source's error types: `DynamoDB`, `RDS`, `HTTP`, `EventBridge`, `Lambda`. */
    private readonly prefix: string,
    private readonly secrets: readonly string[],
    private readonly log: Logger,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get type(): DataSourceType {
    return this.inner.type;
  }

  get timeoutMs(): number {
    return this.inner.timeoutMs;
  }

  async start(): Promise<void> {
    try {
      await this.inner.start?.();
    } catch (err) {
      throw new DataSourceStartError(`data source ${this.name} (${this.type}) cannot start: ${redact((err as Error).message, this.secrets)}`, { cause: err });
    }
  }

  async invoke(request: unknown, call: DataSourceCall): Promise<DataSourceAnswer> {
    const started = Date.now();
    const answer = await this.#bounded(request, call);
    if (answer.error === undefined) return answer;
    const error = { type: answer.error.type, message: redact(String(answer.error.message), this.secrets) };
    this.log.warn('data source failed', { ...call.tags, dataSource: this.name, errorType: error.type, message: error.message, ms: Date.now() - started });
    return { result: answer.result ?? null, error };
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async #bounded(request: unknown, call: DataSourceCall): Promise<DataSourceAnswer> {
    const remaining = call.deadline - Date.now();
    const timedOut = (): DataSourceAnswer => ({ result: null, error: sourceError(this.prefix, 'TimeoutError', `The data source did not answer within ${this.timeoutMs} ms`) });
    if (remaining <= 0) return timedOut();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<DataSourceAnswer>((resolve) => (timer = setTimeout(() => resolve(timedOut()), remaining)));
    const work = this.inner.invoke(request, call).catch((err: unknown): DataSourceAnswer => ({
      result: null,
      error: sourceError(this.prefix, 'InternalError', err instanceof Error ? err.message : String(err)),
    }));
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}

import { ProtocolError } from '@switchboard/protocol';
import type { LambdaDataSourceConfig } from '../config/datasource-schema.js';
import { functionName } from '../functions/service.js';
import type { Invoker } from '../functions/types.js';
import type { Logger } from '../log/logger.js';
import { sourceError } from './errors.js';
import type { DataSource, DataSourceAnswer, DataSourceCall } from './types.js';

/**
 * `AWS_LAMBDA`: `request(ctx)` returns `{ operation: 'Invoke', invocationType?, payload }`; the
 * function (any function target: a module, a Lambda code folder, Python, a custom runtime, an
 * HTTP function) gets `payload` as its event and
 * its return value is `ctx.result`. `invocationType: 'Event'` does not wait: `ctx.result` is
 * `null`, and a failure is only logged. A thrown error is `ctx.error` with the error's name as
 * its type (as the Lambda data source has always had it here); a timeout or a crash is
 * `Lambda:TimeoutError` / `Lambda:ServiceException`.
 */
export class LambdaDataSource implements DataSource {
  readonly type = 'AWS_LAMBDA' as const;
  readonly name: string;
  readonly timeoutMs: number;
  readonly #functionName: string;

  constructor(
    config: LambdaDataSourceConfig,
    private readonly invoker: Invoker,
    private readonly log: Logger,
  ) {
    this.name = config.name;
    this.timeoutMs = config.timeoutMs;
    this.#functionName = functionName(config);
  }

  async invoke(request: unknown, call: DataSourceCall): Promise<DataSourceAnswer> {
    const req = request as { operation?: unknown; invocationType?: unknown; payload?: unknown } | null;
    if (req === null || typeof req !== 'object' || req.operation !== 'Invoke') {
      const message = req !== null && typeof req === 'object' && req.operation === 'BatchInvoke'
        ? 'BatchInvoke is a GraphQL batching operation; AppSync Events handlers use { operation: "Invoke", payload }'
        : 'request(ctx) must return { operation: "Invoke", payload } for an AWS_LAMBDA data source';
      return { result: null, error: sourceError('Lambda', 'InvalidRequest', message) };
    }
    const invocation = this.invoker.invoke({
      kind: 'function',
      operation: call.operation,
      payload: req.payload ?? null,
      requestId: call.requestId,
      functionName: this.#functionName,
      deadline: call.deadline,
      tags: { ...call.tags, dataSource: this.name },
      ...(call.traceId !== undefined && { traceId: call.traceId }),
    });
    if (req.invocationType === 'Event') {
      invocation.then(
        (outcome) => outcome.status === 'threw' && this.log.warn('Event invocation of a data source failed', { ...call.tags, dataSource: this.name, error: outcome.name, message: outcome.message }),
        (err: unknown) => this.log.warn('Event invocation of a data source failed', { ...call.tags, dataSource: this.name, message: (err as Error).message }),
      );
      return { result: null };
    }
    try {
      const outcome = await invocation;
      if (outcome.status === 'ok') return { result: outcome.value ?? null };
      if (outcome.status === 'threw') return { result: null, error: { type: outcome.name, message: outcome.message } };
      return { result: null, error: sourceError('Lambda', 'InvalidResponse', `the function ended with ${outcome.status}`) };
    } catch (err) {
      const timeout = err instanceof ProtocolError && err.errorType === 'HandlerTimeoutError';
      return { result: null, error: sourceError('Lambda', timeout ? 'TimeoutError' : 'ServiceException', (err as Error).message) };
    }
  }

  async close(): Promise<void> {
    // The invoker belongs to the handler registry, which closes it.
  }
}

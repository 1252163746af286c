import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDataSourceConfig } from '../config/datasource-schema.js';
import type { Logger } from '../log/logger.js';
import { cancelledResult, batchCall } from './dynamodb-batch.js';
import { EMBEDDED_CREDENTIALS, EMBEDDED_REGION, createTableInput, type EmbeddedDynamoDB } from './dynamodb-embedded.js';
import { itemCall, type Json, type SdkCall } from './dynamodb-items.js';
import { ValidationError } from './dynamodb-values.js';
import { isConnectionError, sourceError } from './errors.js';
import type { DataSource, DataSourceAnswer, DataSourceCall } from './types.js';

type Sdk = typeof import('@aws-sdk/client-dynamodb');

/**
 * `AMAZON_DYNAMODB`: the request objects of AppSync's DynamoDB data source (GetItem, PutItem,
 * UpdateItem, DeleteItem, Query, Scan, BatchGetItem, BatchPutItem, BatchDeleteItem,
 * TransactGetItems, TransactWriteItems) through the AWS SDK v3, against AWS (credentials from the
 * usual chain), any compatible `endpoint`, or the embedded store. DynamoDB's errors become
 * `ctx.error` with type `DynamoDB:<exception name>`.
 */
export class DynamoDBDataSource implements DataSource {
  readonly type = 'AMAZON_DYNAMODB' as const;
  readonly name: string;
  readonly timeoutMs: number;
  #sdk: Sdk | undefined;
  #client: DynamoDBClient | undefined;

  constructor(
    private readonly config: DynamoDBDataSourceConfig,
    /**
     * The store to use when this source is embedded, `undefined` when it goes to `endpoint` / AWS,
     * or why it may not start (`embedded: true` outside dev).
     */
    private readonly embedded: EmbeddedDynamoDB | undefined | { refused: string },
    private readonly log: Logger,
  ) {
    this.name = config.name;
    this.timeoutMs = config.timeoutMs;
  }

  async start(): Promise<void> {
    if (this.embedded !== undefined && 'refused' in this.embedded) throw new Error(this.embedded.refused);
    try {
      this.#sdk = await import('@aws-sdk/client-dynamodb');
    } catch (err) {
      throw new Error(`it needs the @aws-sdk/client-dynamodb package (npm install @aws-sdk/client-dynamodb): ${(err as Error).message}`, { cause: err });
    }
    if (this.embedded === undefined) {
      this.#client = new this.#sdk.DynamoDBClient({ ...(this.config.region && { region: this.config.region }), ...(this.config.endpoint && { endpoint: this.config.endpoint }) });
      // A table declared with its keys on a local endpoint (DynamoDB Local, dynalite) is created when missing; never on AWS.
      if (this.config.endpoint !== undefined && this.config.keySchema !== undefined) await this.#createTable();
      this.log.info('DynamoDB data source', { table: this.config.tableName, endpoint: this.config.endpoint ?? 'AWS', region: this.config.region ?? '(from the AWS environment)' });
      return;
    }
    const endpoint = await this.embedded.endpoint();
    this.#client = new this.#sdk.DynamoDBClient({ endpoint, region: EMBEDDED_REGION, credentials: EMBEDDED_CREDENTIALS });
    await this.#createTable();
    this.log.info('DynamoDB data source on the embedded store (in memory, dev only; lost on exit)', { table: this.config.tableName, endpoint });
  }

  async #createTable(): Promise<void> {
    try {
      await this.#client!.send(new this.#sdk!.CreateTableCommand(createTableInput(this.config) as never));
    } catch (err) {
      if ((err as Error).name !== 'ResourceInUseException') throw err;
    }
  }

  async invoke(request: unknown, call: DataSourceCall): Promise<DataSourceAnswer> {
    const client = this.#client;
    const sdk = this.#sdk;
    if (client === undefined || sdk === undefined) return { result: null, error: sourceError('DynamoDB', 'ServiceUnavailable', 'the data source is not started') };
    let sdkCall: SdkCall;
    try {
      sdkCall = this.#translate(request);
    } catch (err) {
      return { result: null, error: sourceError('DynamoDB', 'ValidationException', (err as Error).message) };
    }
    const Command = sdk[`${sdkCall.command}Command`] as unknown as new (input: unknown) => Parameters<DynamoDBClient['send']>[0];
    const embedded = this.embedded !== undefined && !('refused' in this.embedded) ? this.embedded : undefined;
    try {
      const output = embedded !== undefined && (sdkCall.command === 'TransactGetItems' || sdkCall.command === 'TransactWriteItems')
        ? await embedded.transactions(client, sdk).run(sdkCall.command, sdkCall.input)
        : ((await client.send(new Command(sdkCall.input), { abortSignal: AbortSignal.timeout(Math.max(1, call.deadline - Date.now())) })) as unknown as Json);
      return { result: sdkCall.result(output) };
    } catch (err) {
      return this.#failure(err, (request as Json)['operation'] as string);
    }
  }

  async close(): Promise<void> {
    this.#client?.destroy();
    this.#client = undefined;
  }

  #translate(request: unknown): SdkCall {
    if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new ValidationError('request(ctx) must return a DynamoDB request object with an operation');
    const req = request as Json;
    if (req['operation'] === 'Sync') throw new ValidationError('Sync needs a versioned data source (conflict detection), which AppSync Events does not have');
    const sdkCall = itemCall(req, this.config.tableName) ?? batchCall(req);
    if (sdkCall === undefined) throw new ValidationError(`unknown DynamoDB operation ${JSON.stringify(req['operation'])}`);
    return sdkCall;
  }

  #failure(err: unknown, operation: string): DataSourceAnswer {
    const e = err as Error & { CancellationReasons?: { Code?: string; Message?: string }[] };
    if (e.name === 'AbortError' || e.name === 'TimeoutError') {
      return { result: null, error: sourceError('DynamoDB', 'TimeoutError', `DynamoDB did not answer within ${this.timeoutMs} ms`) };
    }
    if (isConnectionError(err)) return { result: null, error: sourceError('DynamoDB', 'ConnectionError', `cannot reach DynamoDB: ${e.message}`) };
    if (e.name === 'TransactionCanceledException') {
      return { result: cancelledResult(operation, e.CancellationReasons), error: sourceError('DynamoDB', e.name, e.message) };
    }
    return { result: null, error: sourceError('DynamoDB', e.name || 'Error', e.message) };
  }
}

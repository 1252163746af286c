import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDataSourceConfig } from '../config/datasource-schema.js';
import { EmbeddedTransactions } from './dynamodb-transactions.js';

/** Credentials the embedded store accepts (it checks none); never real ones. */
export const EMBEDDED_CREDENTIALS = { accessKeyId: 'embedded', secretAccessKey: 'embedded' } as const;
export const EMBEDDED_REGION = 'local';

/**
 * The in-process DynamoDB-compatible store of `switchboard dev`: dynalite on an in-memory
 * LevelDB, listening on 127.0.0.1 at a free port. One per server, shared by every embedded data
 * source, so a batch request can span their tables. Its data is lost when the server stops.
 * dynalite implements the item, query, scan and batch operations; transactions, which it lacks,
 * are emulated by `EmbeddedTransactions`, one queue for the whole store.
 */
export class EmbeddedDynamoDB {
  #server: Server | undefined;
  #starting: Promise<string> | undefined;
  #transactions: EmbeddedTransactions | undefined;

  /** The store's transaction emulation (created with the first data source's client). */
  transactions(client: DynamoDBClient, sdk: typeof import('@aws-sdk/client-dynamodb')): EmbeddedTransactions {
    return (this.#transactions ??= new EmbeddedTransactions(client, sdk));
  }

  /** Starts the store once; resolves with its endpoint URL. */
  endpoint(): Promise<string> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<string> {
    let dynalite: typeof import('dynalite').default;
    try {
      dynalite = (await import('dynalite')).default;
    } catch (err) {
      throw new Error(`the embedded DynamoDB store needs the dynalite package (npm install dynalite): ${(err as Error).message}`, { cause: err });
    }
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The CreateTable input for a data source's declared table (CloudFormation's shape, in the SDK's case). */
export function createTableInput(config: DynamoDBDataSourceConfig): Record<string, unknown> {
  if (config.keySchema === undefined || config.attributeDefinitions === undefined) {
    throw new Error(`the embedded store creates table ${config.tableName} from the data source's keySchema and attributeDefinitions; declare them`);
  }
  const keys = (schema: NonNullable<DynamoDBDataSourceConfig['keySchema']>) => schema.map((k) => ({ AttributeName: k.attributeName, KeyType: k.keyType }));
  return {
    TableName: config.tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keys(config.keySchema),
    AttributeDefinitions: config.attributeDefinitions.map((a) => ({ AttributeName: a.attributeName, AttributeType: a.attributeType })),
    ...(config.globalSecondaryIndexes?.length && {
      GlobalSecondaryIndexes: config.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: keys(index.keySchema),
        Projection: { ProjectionType: index.projection.projectionType, ...(index.projection.nonKeyAttributes && { NonKeyAttributes: index.projection.nonKeyAttributes }) },
      })),
    }),
  };
}

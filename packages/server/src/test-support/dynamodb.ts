import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

// The AWS SDK needs credentials even for a local endpoint; dynalite accepts any.
process.env['AWS_ACCESS_KEY_ID'] ??= 'switchboard-test';
process.env['AWS_SECRET_ACCESS_KEY'] ??= 'switchboard-test';

/**
 * A real DynamoDB-compatible server (dynalite, in memory) on 127.0.0.1 for one test file, with an
 * AWS SDK client to check what handlers wrote. dynalite implements items, queries, scans and
 * batches, but not transactions.
 */
export class TestDynamoDB {
  private constructor(
    readonly endpoint: string,
    readonly client: DynamoDBClient,
    private readonly server: ReturnType<typeof dynalite>,
  ) {}

  static async start(): Promise<TestDynamoDB> {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new TestDynamoDB(endpoint, new DynamoDBClient({ endpoint, region: 'us-east-1' }), server);
  }

  /** Creates a table with a string partition key and, optionally, a string sort key. */
  async table(name: string, hash: string, range?: string): Promise<void> {
    const input: CreateTableCommandInput = {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: hash, KeyType: 'HASH' }, ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : [])],
      AttributeDefinitions: [{ AttributeName: hash, AttributeType: 'S' }, ...(range ? [{ AttributeName: range, AttributeType: 'S' as const }] : [])],
    };
    await this.client.send(new CreateTableCommand(input));
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Json } from './dynamodb-items.js';

type Sdk = typeof import('@aws-sdk/client-dynamodb');
type Item = Record<string, unknown>;

/** A failed transaction, shaped as the AWS SDK's `TransactionCanceledException`. */
class TransactionCanceled extends Error {
  override readonly name = 'TransactionCanceledException';
  constructor(readonly CancellationReasons: { Code: string; Message?: string }[]) {
    super(`Transaction cancelled, please refer cancellation reasons for specific reasons [${CancellationReasons.map((r) => r.Code).join(', ')}]`);
  }
}

/**
 * TransactGetItems and TransactWriteItems for the embedded store, which dynalite does not
 * implement. Writes run one at a time, in order, with their conditions; when one fails, the
 * earlier ones are undone from the images read before the transaction started, and the answer is
 * DynamoDB's `TransactionCanceledException` with a reason per item. Transactions are serialized
 * with each other; single-item writes that run at the same moment are not isolated from them.
 * This is a development store: it keeps handlers that use transactions working under
 * `switchboard dev`, not DynamoDB's guarantees.
 */
export class EmbeddedTransactions {
  #queue: Promise<unknown> = Promise.resolve();
  readonly #keys = new Map<string, string[]>();

  constructor(
    private readonly client: DynamoDBClient,
    private readonly sdk: Sdk,
  ) {}

  run(command: 'TransactGetItems' | 'TransactWriteItems', input: Json): Promise<Json> {
    const next = this.#queue.then(() => (command === 'TransactGetItems' ? this.#get(input) : this.#write(input)));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #get(input: Json): Promise<Json> {
    const gets = (input['TransactItems'] as { Get: Json }[]).map((t) => t.Get);
    const Responses = [];
    for (const get of gets) Responses.push({ Item: (await this.#send('GetItem', { ...get, ConsistentRead: true }))['Item'] });
    return { Responses };
  }

  async #write(input: Json): Promise<Json> {
    const items = input['TransactItems'] as Record<string, Json>[];
    const steps = await Promise.all(items.map(async (t) => {
      const [kind, spec] = Object.entries(t)[0]!;
      const table = spec['TableName'] as string;
      const key = (spec['Key'] as Item | undefined) ?? (await this.#keyOf(table, spec['Item'] as Item));
      return { kind, spec, table, key, id: `${table}\u0000${JSON.stringify(key)}` };
    }));
    if (new Set(steps.map((s) => s.id)).size !== steps.length) {
      throw Object.assign(new Error('Transaction request cannot include multiple operations on one item'), { name: 'ValidationException' });
    }
    const before: (Item | undefined)[] = [];
    for (const s of steps) before.push((await this.#send('GetItem', { TableName: s.table, Key: s.key, ConsistentRead: true }))['Item'] as Item | undefined);
    for (let i = 0; i < steps.length; i++) {
      const { kind, spec, table, key } = steps[i]!;
      try {
        if (kind === 'Put') await this.#send('PutItem', spec);
        else if (kind === 'Update') await this.#send('UpdateItem', spec);
        else if (kind === 'Delete') await this.#send('DeleteItem', spec);
        else await this.#check(table, key, before[i], spec);
      } catch (err) {
        for (let j = i - 1; j >= 0; j--) await this.#restore(steps[j]!.table, steps[j]!.key, before[j]);
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
        throw new TransactionCanceled(steps.map((_, j) => (j === i ? { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' } : { Code: 'None' })));
      }
    }
    return {};
  }

  /** A ConditionCheck: a conditional write that changes nothing (or is removed again). */
  async #check(table: string, key: Item, current: Item | undefined, spec: Json): Promise<void> {
    const { Key: _key, TableName: _table, ...condition } = spec;
    await this.#send('PutItem', { TableName: table, Item: current ?? key, ...condition });
    if (current === undefined) await this.#send('DeleteItem', { TableName: table, Key: key });
  }

  async #restore(table: string, key: Item, image: Item | undefined): Promise<void> {
    if (image === undefined) await this.#send('DeleteItem', { TableName: table, Key: key });
    else await this.#send('PutItem', { TableName: table, Item: image });
  }

  async #keyOf(table: string, item: Item): Promise<Item> {
    let names = this.#keys.get(table);
    if (names === undefined) {
      const described = (await this.#send('DescribeTable', { TableName: table }))['Table'] as { KeySchema: { AttributeName: string }[] };
      names = described.KeySchema.map((k) => k.AttributeName);
      this.#keys.set(table, names);
    }
    return Object.fromEntries(names.map((n) => [n, item[n]]));
  }

  async #send(command: string, input: Json): Promise<Json> {
    const Command = (this.sdk as unknown as Record<string, new (i: Json) => Parameters<DynamoDBClient['send']>[0]>)[`${command}Command`]!;
    return (await this.client.send(new Command(input))) as unknown as Json;
  }
}

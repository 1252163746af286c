import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HISTORY_HANDLER, LEDGER_HANDLER, TUTORIAL_HANDLER, publish, subscribe } from '../test-support/dynamodb-handlers.js';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient } from '../test-support/ws-client.js';

describe('AMAZON_DYNAMODB on the embedded store (switchboard dev)', () => {
  let files: HandlerFiles;
  let server: TestServer;

  before(async () => {
    files = new HandlerFiles('dynamodb-embedded');
    files.write('package.json', '{"type":"module"}');
    server = await startTestServer(
      {
        dataSources: [
          {
            name: 'messages', type: 'AMAZON_DYNAMODB', tableName: 'tutorial-events-messages',
            keySchema: [{ attributeName: 'channel', keyType: 'HASH' }, { attributeName: 'id', keyType: 'RANGE' }],
            attributeDefinitions: [{ attributeName: 'channel', attributeType: 'S' }, { attributeName: 'id', attributeType: 'S' }],
          },
          ...['accounts', 'totals'].map((tableName) => ({
            name: tableName, type: 'AMAZON_DYNAMODB' as const, tableName,
            keySchema: [{ attributeName: 'id', keyType: 'HASH' as const }], attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' as const }],
          })),
        ],
        namespaces: [
          { name: 'chat', code: files.write('tutorial.js', TUTORIAL_HANDLER), onPublish: { dataSource: 'messages' } },
          { name: 'history', code: files.write('history.js', HISTORY_HANDLER), onPublish: { dataSource: 'messages' } },
          { name: 'ledger', code: files.write('ledger.js', LEDGER_HANDLER), onPublish: { dataSource: 'accounts' } },
        ],
      },
      { embeddedDataStores: true },
    );
  });

  after(async () => {
    await server?.close();
    files.remove();
  });

  it('creates the declared table in memory and runs the tutorial handler with no DynamoDB running', async () => {
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    try {
      assert.equal((await publish(client, 'p1', '/chat/dev', [{ text: 'saved' }])).type, 'publish_success');
      await subscribe(client, 'h', '/history/x');
      await publish(client, 'p2', '/history/x', [{ of: '/chat/dev' }]);
      const frame = await client.next((f) => f.type === 'data' && f['id'] === 'h', 10_000);
      assert.deepEqual(JSON.parse(frame['event'] as string), { texts: ['saved'], next: null });
      assert.ok(server.logs.some((l) => String(l['msg']).includes('embedded store')));
    } finally {
      await client.close();
    }
  });

  it('emulates transactions (which dynalite lacks): all writes or none, with a reason per item', async () => {
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    try {
      await subscribe(client, 'l', '/ledger/*');
      const next = async (payload: unknown): Promise<unknown> => {
        const count = client.data('l').length;
        await publish(client, `p${count}`, '/ledger/a', [payload]);
        await client.next(() => client.data('l').length > count, 10_000);
        return client.data('l').at(-1);
      };
      assert.deepEqual(await next({ op: 'write', id: 'x' }), { keys: [{ id: 'all' }, { id: 'x' }, { id: 'limit' }], cancellationReasons: null });
      assert.deepEqual(await next({ op: 'write', id: 'x' }), { error: 'DynamoDB:TransactionCanceledException', reasons: ['None', 'ConditionalCheckFailed', 'None'] });
      assert.deepEqual(await next({ op: 'read', id: 'x' }), { items: [{ id: 'x', owner: 'me' }, { id: 'all', n: 1 }], cancellationReasons: null }, 'the failed transaction undid its increment');
    } finally {
      await client.close();
    }
  });

  it('refuses embedded: true outside dev, naming the data source', async () => {
    await assert.rejects(
      startTestServer({ dataSources: [{ name: 'local', type: 'AMAZON_DYNAMODB', tableName: 'tbl', embedded: true }] }),
      /data source local \(AMAZON_DYNAMODB\) cannot start: embedded: true is for switchboard dev/,
    );
  });
});

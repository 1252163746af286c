import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TestDynamoDB } from '../test-support/dynamodb.js';
import { HISTORY_HANDLER, TUTORIAL_HANDLER, publish, subscribe } from '../test-support/dynamodb-handlers.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, type Frame } from '../test-support/ws-client.js';

// get, update (with operations) and query helpers; onSubscribe refuses when GetItem finds nothing.
const PROFILE_HANDLER = `import { util } from '@aws-appsync/utils'
import * as ddb from '@aws-appsync/utils/dynamodb'

export const onPublish = {
  request(ctx) {
    return ddb.update({
      key: { id: ctx.info.channel.segments[1] },
      update: { count: ddb.operations.increment(ctx.events.length), lastSeen: util.time.nowISO8601(), tags: ddb.operations.append(['seen']) },
    })
  },
  response(ctx) {
    if (ctx.error) util.error(ctx.error.message, ctx.error.type)
    return ctx.events.map((e) => ({ id: e.id, payload: { ...e.payload, count: ctx.result.count, tags: ctx.result.tags } }))
  },
}

export const onSubscribe = {
  request(ctx) {
    return ddb.get({ key: { id: ctx.info.channel.segments[1] } })
  },
  response(ctx) {
    if (!ctx.result) util.unauthorized()
  },
}
`;

const UNIQUE_HANDLER = `import { util } from '@aws-appsync/utils'
import * as ddb from '@aws-appsync/utils/dynamodb'

export const onPublish = {
  request(ctx) {
    const { id, text } = ctx.events[0].payload
    return ddb.put({ key: { id }, item: { text }, condition: { id: { attributeExists: false } } })
  },
  response(ctx) {
    if (ctx.error && ctx.events[0].payload.raise) util.error(ctx.error.message, ctx.error.type)
    return ctx.events
  },
}
`;

const TRANSACT_HANDLER = `import { util } from '@aws-appsync/utils'
import * as ddb from '@aws-appsync/utils/dynamodb'

export const onPublish = {
  request(ctx) {
    const { op, id } = ctx.events[0].payload
    if (op === 'get') return ddb.transactGet({ items: [{ table: 'accounts', key: { id: 'a' } }, { table: 'accounts', key: { id: 'b' } }] })
    return ddb.transactWrite({
      items: [
        { putItem: { table: 'accounts', key: { id }, item: { owner: 'me' }, condition: { id: { attributeExists: false } } } },
        { updateItem: { table: 'totals', key: { id: 'all' }, update: { n: ddb.operations.increment() } } },
      ],
    })
  },
  response(ctx) {
    if (ctx.error) {
      util.appendError(ctx.error.message, ctx.error.type)
      return ctx.events.map((e) => ({ id: e.id, payload: { error: ctx.error.type, reasons: ctx.result.cancellationReasons } }))
    }
    return ctx.events.map((e) => ({ id: e.id, payload: ctx.result }))
  },
}
`;

const IGNORE_ERRORS = `import * as ddb from '@aws-appsync/utils/dynamodb'
export const onPublish = { request: (ctx) => ddb.get({ key: { id: 'x' } }), response: (ctx) => ctx.events }
`;

const errorOf = (f: Frame): { errorType: string; errorCode: number; message: string } => (f['errors'] as never[])[0]!;

/**
 * A stand-in for DynamoDB's transaction API, which dynalite does not implement: it checks the
 * request the AWS SDK sends (the DynamoDB JSON protocol) and answers as DynamoDB documents it.
 */
function transactionEndpoint(seen: { target: string; body: Record<string, unknown> }[]): Server {
  return createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']);
      const body = JSON.parse(text) as { TransactItems: Record<string, { Item?: { id?: { S?: string } } }>[] };
      seen.push({ target, body });
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      if (target === 'DynamoDB_20120810.TransactGetItems') {
        return void res.end(JSON.stringify({ Responses: [{ Item: { id: { S: 'a' }, n: { N: '1' } } }, {}] }));
      }
      if (body.TransactItems[0]?.['Put']?.Item?.id?.S === 'taken') {
        res.statusCode = 400;
        return void res.end(JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]',
          CancellationReasons: [{ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }, { Code: 'None' }],
        }));
      }
      res.end('{}');
    });
  });
}

describe('AMAZON_DYNAMODB data source against a real DynamoDB-compatible server (dynalite)', () => {
  let ddb: TestDynamoDB;
  let files: HandlerFiles;
  let server: TestServer;
  let client: TestClient;
  let fake: Server;
  let stuck: TcpServer;
  const stuckSockets: Socket[] = [];
  const seen: { target: string; body: Record<string, unknown> }[] = [];

  before(async () => {
    ddb = await TestDynamoDB.start();
    await ddb.table('tutorial-events-messages', 'channel', 'id');
    await ddb.table('profiles', 'id');
    await ddb.table('uniques', 'id');
    fake = transactionEndpoint(seen);
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    stuck = createTcpServer((socket) => void stuckSockets.push(socket));
    await new Promise<void>((r) => stuck.listen(0, '127.0.0.1', () => r()));
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createTcpServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    files = new HandlerFiles('dynamodb');
    files.write('package.json', '{"type":"module"}');
    const table = (name: string, tableName: string, endpoint: string, extra = {}) => ({ name, type: 'AMAZON_DYNAMODB' as const, tableName, region: 'us-east-1', endpoint, ...extra });
    server = await startTestServer({
      dataSources: [
        table('messages', 'tutorial-events-messages', ddb.endpoint),
        table('profiles', 'profiles', ddb.endpoint),
        table('uniques', 'uniques', ddb.endpoint),
        table('tx', 'accounts', `http://127.0.0.1:${(fake.address() as AddressInfo).port}`),
        table('down', 'anything', `http://127.0.0.1:${closedPort}`),
        table('stuck', 'anything', `http://127.0.0.1:${(stuck.address() as AddressInfo).port}`, { timeoutMs: 300 }),
      ],
      namespaces: [
        { name: 'chat', code: files.write('tutorial.js', TUTORIAL_HANDLER), onPublish: { dataSource: 'messages' } },
        { name: 'history', code: files.write('history.js', HISTORY_HANDLER), onPublish: { dataSource: 'messages' } },
        { name: 'profile', code: files.write('profile.js', PROFILE_HANDLER), onPublish: { dataSource: 'profiles' }, onSubscribe: { dataSource: 'profiles' } },
        { name: 'unique', code: files.write('unique.js', UNIQUE_HANDLER), onPublish: { dataSource: 'uniques' } },
        { name: 'bank', code: files.write('transact.js', TRANSACT_HANDLER), onPublish: { dataSource: 'tx' } },
        { name: 'down', code: files.write('ignore.js', IGNORE_ERRORS), onPublish: { dataSource: 'down' } },
        { name: 'stuck', code: files.write('ignore2.js', IGNORE_ERRORS), onPublish: { dataSource: 'stuck' } },
      ],
    });
    client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
  });

  after(async () => {
    await client?.close();
    await server?.close();
    for (const socket of stuckSockets) socket.destroy();
    await new Promise<void>((r) => stuck.close(() => r()));
    await new Promise<void>((r) => fake.close(() => r()));
    await ddb.close();
    files.remove();
  });

  it("runs AWS's tutorial handler unchanged: subscribers get the events and the items are in the table", async () => {
    assert.equal((await subscribe(client, 'room', '/chat/room')).type, 'subscribe_success');
    const before = Date.now();
    const reply = await publish(client, 'p1', '/chat/room', [{ text: 'hello', user: 'ada' }, { text: 'world', user: 'bob' }]);
    assert.equal(reply.type, 'publish_success');
    assert.equal((reply['successful'] as unknown[]).length, 2);
    await client.next((f) => f.type === 'data' && f['id'] === 'room' && JSON.parse(f['event'] as string).text === 'world', 10_000);
    assert.deepEqual(client.data('room'), [{ text: 'hello', user: 'ada' }, { text: 'world', user: 'bob' }]);

    const items = ((await ddb.client.send(new ScanCommand({ TableName: 'tutorial-events-messages' }))).Items ?? []).map((i) => unmarshall(i));
    assert.equal(items.length, 2);
    for (const item of items) {
      assert.equal(item['channel'], '/chat/room');
      assert.match(item['id'], /^[0-9A-Za-z]{27}$/, 'util.autoKsuid()');
      assert.ok(Date.parse(item['createdAt']) >= before - 1000, 'util.time.nowISO8601()');
    }
    assert.deepEqual(items.map((i) => `${i['user']}:${i['text']}`).sort(), ['ada:hello', 'bob:world']);
  });

  it('queries the saved messages back (ddb.query, items in ctx.result)', async () => {
    await subscribe(client, 'hist', '/history/a');
    await publish(client, 'p2', '/history/a', [{ of: '/chat/room' }]);
    const frame = await client.next((f) => f.type === 'data' && f['id'] === 'hist', 10_000);
    const payload = JSON.parse(frame['event'] as string) as { texts: string[]; next: unknown };
    assert.deepEqual(payload.texts.sort(), ['hello', 'world']);
    assert.equal(payload.next, null);
  });

  it('updates with operations (increment, append) and returns the new item in ctx.result', async () => {
    await ddb.client.send(new ScanCommand({ TableName: 'profiles' }));
    const { PutItemCommand } = await import('@aws-sdk/client-dynamodb');
    await ddb.client.send(new PutItemCommand({ TableName: 'profiles', Item: { id: { S: 'ada' }, count: { N: '1' } } }));
    assert.equal((await subscribe(client, 'ada', '/profile/ada')).type, 'subscribe_success', 'GetItem found the profile');
    await publish(client, 'p3', '/profile/ada', [{ n: 1 }, { n: 2 }]);
    await client.next((f) => f.type === 'data' && f['id'] === 'ada' && JSON.parse(f['event'] as string).n === 2, 10_000);
    assert.deepEqual(client.data('ada'), [{ n: 1, count: 3, tags: ['seen'] }, { n: 2, count: 3, tags: ['seen'] }]);
  });

  it('refuses a subscription with util.unauthorized() when GetItem finds nothing', async () => {
    const reply = await subscribe(client, 'nobody', '/profile/nobody');
    assert.equal(reply.type, 'subscribe_error');
    assert.equal(errorOf(reply).errorType, 'UnauthorizedException');
  });

  it('reports a failed condition: DataSourceError when ignored, the DynamoDB error type when the handler raises it', async () => {
    assert.equal((await publish(client, 'p4', '/unique/a', [{ id: 'u1', text: 'first' }])).type, 'publish_success');
    const ignored = await publish(client, 'p5', '/unique/a', [{ id: 'u1', text: 'again' }]);
    assert.deepEqual({ ...errorOf(ignored), message: errorOf(ignored).message.replace(/request .*/, 'request <id>') }, {
      errorType: 'DataSourceError',
      errorCode: 502,
      message: 'The onPublish data source uniques failed (DynamoDB:ConditionalCheckFailedException); see the server log for request <id>',
    });
    const raised = await publish(client, 'p6', '/unique/a', [{ id: 'u1', text: 'again', raise: true }]);
    assert.equal(errorOf(raised).errorType, 'DynamoDB:ConditionalCheckFailedException');
    assert.equal(errorOf(raised).errorCode, 403);
    assert.match(errorOf(raised).message, /conditional request failed/i);
  });

  it('sends TransactWriteItems and TransactGetItems as DynamoDB expects them, and gives cancellation reasons', async () => {
    await subscribe(client, 'bank', '/bank/a');
    await publish(client, 'p7', '/bank/a', [{ op: 'write', id: 'acc-1' }]);
    const written = JSON.parse((await client.next((f) => f.type === 'data' && f['id'] === 'bank', 10_000))['event'] as string);
    assert.deepEqual(written, { keys: [{ id: 'acc-1' }, { id: 'all' }], cancellationReasons: null });
    const write = seen.find((s) => s.target === 'DynamoDB_20120810.TransactWriteItems')!;
    assert.deepEqual(write.body['TransactItems'], [
      { Put: { TableName: 'accounts', Item: { owner: { S: 'me' }, id: { S: 'acc-1' } }, ConditionExpression: 'attribute_not_exists(#id)', ExpressionAttributeNames: { '#id': 'id' } } },
      {
        Update: {
          TableName: 'totals', Key: { id: { S: 'all' } }, UpdateExpression: 'SET #n = if_not_exists(#n, :n_zero) + :n_increment',
          ExpressionAttributeNames: { '#n': 'n' }, ExpressionAttributeValues: { ':n_zero': { N: '0' }, ':n_increment': { N: '1' } },
        },
      },
    ]);

    await publish(client, 'p8', '/bank/a', [{ op: 'write', id: 'taken' }]);
    const cancelled = JSON.parse((await client.next((f) => f.type === 'data' && f['id'] === 'bank' && f['event'] !== JSON.stringify(written), 10_000))['event'] as string);
    assert.deepEqual(cancelled, {
      error: 'DynamoDB:TransactionCanceledException',
      reasons: [{ type: 'ConditionalCheckFailed', message: 'The conditional request failed' }, { type: 'None', message: '' }],
    });

    const before = client.data('bank').length;
    await publish(client, 'p9', '/bank/a', [{ op: 'get' }]);
    await client.next(() => client.data('bank').length > before, 10_000);
    assert.deepEqual(client.data('bank').at(-1), { items: [{ id: 'a', n: 1 }, null], cancellationReasons: null });
    const get = seen.find((s) => s.target === 'DynamoDB_20120810.TransactGetItems')!;
    assert.deepEqual(get.body['TransactItems'], [{ Get: { TableName: 'accounts', Key: { id: { S: 'a' } } } }, { Get: { TableName: 'accounts', Key: { id: { S: 'b' } } } }]);
  });

  it('answers DataSourceError (DynamoDB:ConnectionError) when DynamoDB is down, and TimeoutError when it does not answer', async () => {
    const down = await publish(client, 'p10', '/down/a', [1]);
    assert.equal(errorOf(down).errorType, 'DataSourceError');
    assert.match(errorOf(down).message, /data source down failed \(DynamoDB:ConnectionError\)/);
    const started = Date.now();
    const stuckReply = await publish(client, 'p11', '/stuck/a', [1]);
    assert.match(errorOf(stuckReply).message, /data source stuck failed \(DynamoDB:TimeoutError\)/);
    assert.ok(Date.now() - started < 5000, 'the data source timeoutMs (300 ms) bounded the wait');
    assert.ok(server.logs.some((l) => l['msg'] === 'data source failed' && l['dataSource'] === 'stuck' && typeof l['requestId'] === 'string'));
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, type Frame } from '../test-support/ws-client.js';

// Written as for AWS: a code handler in the request/response form, with a Lambda data source.
const CODE = `
import { util, runtime } from '@aws-appsync/utils';

export const onPublish = {
  request(ctx) {
    if (ctx.events[0].payload === 'skip') runtime.earlyReturn(ctx.events);
    ctx.stash.startedBy = 'request';
    return { operation: 'Invoke', payload: { events: ctx.events, channel: ctx.info.channel.path } };
  },
  response(ctx) {
    if (ctx.error && ctx.events[0].payload === 'ignore') return ctx.events;
    if (ctx.error && ctx.events[0].payload === 'best-effort') {
      util.appendError(ctx.error.message, ctx.error.type);
      return ctx.events;
    }
    if (ctx.error) util.error(ctx.error.message, 'DataSourceFailed');
    return ctx.result.map((e) => ({ id: e.id, payload: { ...e.payload, enriched: true, stash: ctx.stash.startedBy } }));
  },
};

export const onSubscribe = {
  request(ctx) {
    return { operation: 'Invoke', payload: { channel: ctx.info.channel.path } };
  },
  response(ctx) {
    if (!ctx.result.allowed) util.unauthorized();
  },
};
`;

// The Lambda data source: gets the request's payload as its event.
const LAMBDA = `
export const handler = async (event) => {
  if (event.channel === '/ds/broken') throw new Error('the data source is down');
  if (event.channel === '/slow/a') await new Promise((r) => setTimeout(r, 3000));
  if (event.events) return event.events;
  return { allowed: !event.channel.endsWith('/private') };
};
`;

const errorOf = (f: Frame): { errorType: string; errorCode: number; message: string } => (f['errors'] as never[])[0]!;

describe('code handlers with a Lambda data source (request/response form)', () => {
  let files: HandlerFiles;
  let server: TestServer;
  let client: TestClient;
  before(async () => {
    files = new HandlerFiles('data-source');
    files.write('package.json', '{"type":"module"}');
    const code = files.write('code.js', CODE);
    const lambda = files.write('lambda.js', LAMBDA);
    server = await startTestServer({
      dataSources: [
        { name: 'fn', type: 'AWS_LAMBDA', function: lambda },
        { name: 'impatient', type: 'AWS_LAMBDA', function: lambda, timeoutMs: 500 },
      ],
      namespaces: [
        { name: 'ds', code, onPublish: { dataSource: 'fn' }, onSubscribe: { dataSource: 'fn' } },
        { name: 'slow', code, onPublish: { dataSource: 'impatient' } },
        { name: 'nods', code },
      ],
    });
    client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
  });
  after(async () => {
    await client.close();
    await server.close();
    files.remove();
  });

  it('runs request, the data source and response, keeping the stash', async () => {
    await client.subscribe('s', '/ds/room', TEST_KEY);
    const reply = await client.publish('p1', '/ds/room', [{ n: 1 }], TEST_KEY);
    assert.equal(reply.type, 'publish_success');
    await client.next((f) => f['id'] === 's');
    assert.deepEqual(client.data('s'), [{ n: 1, enriched: true, stash: 'request' }]);
  });

  it('honours runtime.earlyReturn in request without calling the data source', async () => {
    await client.publish('p2', '/ds/room', ['skip'], TEST_KEY);
    await client.next((f) => f['id'] === 's' && f['event'] === '"skip"');
  });

  it('gives response ctx.error when the data source throws', async () => {
    const reply = await client.publish('p3', '/ds/broken', [1], TEST_KEY);
    assert.deepEqual(errorOf(reply), { errorType: 'DataSourceFailed', message: 'the data source is down', errorCode: 403 });
  });

  it('authorizes a subscription through the data source', async () => {
    assert.equal((await client.subscribe('ok', '/ds/public', TEST_KEY)).type, 'subscribe_success');
    assert.equal(errorOf(await client.subscribe('no', '/ds/private', TEST_KEY)).errorType, 'UnauthorizedException');
  });

  it('fails clearly when the namespace has no dataSource', async () => {
    const reply = await client.publish('p4', '/nods/room', [1], TEST_KEY);
    assert.equal(errorOf(reply).errorType, 'HandlerFailedError');
    assert.ok(server.logs.some((l) => JSON.stringify(l).includes('names no dataSource')));
  });

  it('answers DataSourceError when response(ctx) ignores ctx.error, and logs the error with the request id', async () => {
    const reply = await client.publish('p5', '/ds/broken', ['ignore'], TEST_KEY);
    const error = errorOf(reply);
    assert.equal(error.errorType, 'DataSourceError');
    assert.equal(error.errorCode, 502);
    assert.match(error.message, /^The onPublish data source fn failed \(Error\); see the server log for request [0-9a-f-]{36}$/);
    const requestId = error.message.slice(-36);
    assert.ok(server.logs.some((l) => l['msg'] === 'data source failed' && l['requestId'] === requestId && l['message'] === 'the data source is down'));
  });

  it('lets the events through when response(ctx) acknowledges ctx.error with util.appendError', async () => {
    const reply = await client.publish('p6', '/ds/broken', ['best-effort'], TEST_KEY);
    assert.equal(reply.type, 'publish_success');
  });

  it('gives ctx.error Lambda:TimeoutError after the data source timeoutMs, within the handler time', async () => {
    const started = Date.now();
    const reply = await client.publish('p7', '/slow/a', ['ignore'], TEST_KEY);
    assert.equal(errorOf(reply).errorType, 'DataSourceError');
    assert.match(errorOf(reply).message, /Lambda:TimeoutError/);
    assert.ok(Date.now() - started < 3000, 'the publisher did not wait for the slow function');
  });
});

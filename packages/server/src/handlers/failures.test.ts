import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { until } from '../test-support/until.js';
import { TestClient, settle, type Frame } from '../test-support/ws-client.js';

const BROKEN = `
export const handler = async (event) => {
  const what = event.events?.[0]?.payload;
  if (what === 'hang') return new Promise(() => {});
  if (what === 'spin') { for (;;) {} }
  if (what === 'throw') throw new TypeError('internal detail that stays in the log');
  if (what === 'exit') process.exit(3);
  if (what === 'crash') { setTimeout(() => { throw new Error('db password is hunter2'); }); return new Promise(() => {}); }
  if (what === 'garbage') return 42;
  return { events: event.events };
};
`;

const errorOf = (f: Frame): { errorType: string; errorCode: number; message: string } => (f['errors'] as never[])[0]!;

describe('handler failures never take the server down', () => {
  let files: HandlerFiles;
  let server: TestServer;
  let client: TestClient;
  let calls: number[] = [];
  let http: Server;
  before(async () => {
    files = new HandlerFiles('failures');
    const broken = files.write('broken.mjs', BROKEN);
    const slow = files.write('slow.mjs', 'export const handler = async () => { await new Promise((r) => setTimeout(r, 1500)); throw new Error("late failure"); };');
    // An HTTP function that fails twice with 503, then answers: the publish is broadcast once.
    let attempts = 0;
    http = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const event = JSON.parse(body) as { events: { id: string; payload: unknown }[] };
        calls.push(++attempts);
        if (event.events[0]!.payload === 'flaky' && attempts % 3 !== 0) return void res.writeHead(503).end();
        if (event.events[0]!.payload === 'lambda-error') {
          return void res.end(JSON.stringify({ errorType: 'UnauthorizedException', errorMessage: 'no publishing here' }));
        }
        res.end(JSON.stringify({ events: event.events }));
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
    server = await startTestServer({
      namespaces: [
        { name: 'default' },
        // 1.5 s: long enough for a fresh worker to start on a loaded machine, short enough for the timeout tests.
        { name: 'broken', onPublish: { function: broken, timeoutMs: 1500 } },
        { name: 'event', onPublish: { function: slow, invokeType: 'EVENT' } },
        { name: 'remote', onPublish: { url, timeoutMs: 3000, retries: 2 } },
      ],
    });
    client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await client.subscribe('broken', '/broken/*', TEST_KEY);
    await client.subscribe('event', '/event/*', TEST_KEY);
    await client.subscribe('remote', '/remote/*', TEST_KEY);
  });
  after(async () => {
    await client.close();
    await server.close();
    await new Promise((r) => http.close(r));
    files.remove();
  });

  it('answers a handler that never returns with HandlerTimeoutError (504) after timeoutMs', async () => {
    const started = Date.now();
    const reply = await client.publish('t1', '/broken/a', ['hang'], TEST_KEY);
    assert.deepEqual([errorOf(reply).errorType, errorOf(reply).errorCode], ['HandlerTimeoutError', 504]);
    assert.ok(Date.now() - started >= 1450);
  });

  it('restarts a worker blocked by a synchronous loop; the server and other namespaces keep working', async () => {
    client.send({ type: 'publish', id: 't2', channel: '/broken/a', events: ['"spin"'], authorization: { 'x-api-key': TEST_KEY } });
    const other = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    const meanwhile = await other.publish('fine', '/default/x', ['ok'], TEST_KEY);
    assert.equal(meanwhile.type, 'publish_success', 'the main thread is not blocked');
    const reply = await client.reply('t2', 5000);
    assert.equal(errorOf(reply).errorType, 'HandlerTimeoutError');
    await until(() => server.logs.some((l) => l['msg'] === 'handler worker is blocked; restarting it'), 'the blocked worker to be restarted');
    const after = await client.publish('t3', '/broken/a', ['fine again'], TEST_KEY);
    assert.equal(after.type, 'publish_success', 'a fresh worker serves the next call');
    await other.close();
  });

  it('answers a throw with HandlerFailedError (502) and keeps the detail in the log only', async () => {
    const reply = await client.publish('t4', '/broken/a', ['throw'], TEST_KEY);
    assert.deepEqual([errorOf(reply).errorType, errorOf(reply).errorCode], ['HandlerFailedError', 502]);
    assert.doesNotMatch(errorOf(reply).message, /internal detail/);
    assert.ok(server.logs.some((l) => l['msg'] === 'handler threw' && JSON.stringify(l).includes('internal detail')));
  });

  it('answers a worker that exits with HandlerFailedError, then recovers', async () => {
    const reply = await client.publish('t5', '/broken/a', ['exit'], TEST_KEY);
    assert.equal(errorOf(reply).errorType, 'HandlerFailedError');
    assert.equal((await client.publish('t6', '/broken/a', ['ok'], TEST_KEY)).type, 'publish_success');
  });

  it('answers an uncaught exception in the worker with a generic HandlerFailedError; the message stays in the log', async () => {
    const reply = await client.publish('t5b', '/broken/a', ['crash'], TEST_KEY);
    assert.equal(errorOf(reply).errorType, 'HandlerFailedError');
    assert.doesNotMatch(errorOf(reply).message, /hunter2/);
    assert.ok(server.logs.some((l) => l['msg'] === 'handler worker crashed' && JSON.stringify(l).includes('hunter2')));
  });

  it('answers garbage with InvalidHandlerResponseError', async () => {
    assert.equal(errorOf(await client.publish('t7', '/broken/a', ['garbage'], TEST_KEY)).errorType, 'InvalidHandlerResponseError');
  });

  it('EVENT: a slow, failing handler neither delays nor fails the publish; the failure is logged and counted', async () => {
    const started = Date.now();
    const reply = await client.publish('t9', '/event/a', [{ n: 1 }], TEST_KEY);
    assert.equal(reply.type, 'publish_success');
    assert.ok(Date.now() - started < 1000, 'the publisher did not wait for the handler');
    await client.next((f) => f['id'] === 'event');
    const stats = server.switchboard.core.handlers.get('event')!.stats;
    assert.equal(stats.started, 1);
    await until(() => stats.failed === 1, 'the EVENT handler to fail (it sleeps 1.5 s, then throws)', 15_000);
    assert.ok(server.logs.some((l) => l['msg'] === 'EVENT onPublish handler failed'));
  });

  it('HTTP function: retries a 503 and broadcasts once; maps a Lambda error body to its type', async () => {
    calls = [];
    const reply = await client.publish('t10', '/remote/a', ['flaky'], TEST_KEY);
    assert.equal(reply.type, 'publish_success');
    assert.equal(calls.length, 3, 'two 503s, then an answer');
    await client.next((f) => f['id'] === 'remote' && f['event'] === '"flaky"');
    await settle();
    assert.equal(client.data('remote').filter((e) => e === 'flaky').length, 1);
    const refused = await client.publish('t11', '/remote/a', ['lambda-error'], TEST_KEY);
    assert.deepEqual(errorOf(refused), { errorType: 'UnauthorizedException', message: 'no publishing here', errorCode: 403 });
  });
});

import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { until } from '../test-support/until.js';
import { TestClient, type Frame } from '../test-support/ws-client.js';

// An enrichment handler: asks a profile API about the sender, adds what it says to each event.
const ENRICH = `import { util } from '@aws-appsync/utils'

export const onPublish = {
  request(ctx) {
    const p = ctx.events[0].payload
    return {
      method: p.method ?? 'POST',
      resourcePath: p.path ?? '/profiles/lookup',
      params: {
        query: { user: p.user, tag: ['a', 'b'] },
        headers: { 'x-trace': ctx.info.channel.path, ...(p.header ? { [p.header]: 'x' } : {}) },
        body: { channel: ctx.info.channel.path, count: ctx.events.length },
      },
    }
  },
  response(ctx) {
    if (ctx.error) util.error(ctx.error.message, ctx.error.type)
    if (ctx.result.statusCode !== 200) return ctx.events.map((e) => ({ id: e.id, error: 'lookup answered ' + ctx.result.statusCode }))
    const profile = JSON.parse(ctx.result.body)
    return ctx.events.map((e) => ({ id: e.id, payload: { ...e.payload, profile, type: ctx.result.headers['content-type'] } }))
  },
}
`;

const errorOf = (f: Frame): { errorType: string; errorCode: number; message: string } => (f['errors'] as never[])[0]!;

describe('HTTP data source against a local HTTP server', () => {
  let api: Server;
  let files: HandlerFiles;
  let server: TestServer;
  let client: TestClient;
  const received: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

  before(async () => {
    api = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        if (req.url!.startsWith('/base/slow')) return void setTimeout(() => res.end('{}'), 2000);
        if (req.url!.startsWith('/base/missing')) return void res.writeHead(404).end('no such profile');
        if (req.url!.startsWith('/base/big')) return void res.end('x'.repeat(5000));
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ name: 'Ada', plan: 'pro' }));
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()));
    const endpoint = `http://127.0.0.1:${(api.address() as AddressInfo).port}/base`;
    files = new HandlerFiles('http-ds');
    files.write('package.json', '{"type":"module"}');
    const code = files.write('enrich.js', ENRICH);
    server = await startTestServer({
      dataSources: [
        { name: 'profiles', type: 'HTTP', endpoint, headers: { 'x-api-key': 'profile-api-secret-key' }, timeoutMs: 500, maxResponseBytes: 1000 },
        { name: 'nowhere', type: 'HTTP', endpoint: 'http://127.0.0.1:1' },
      ],
      namespaces: [
        { name: 'enrich', code, onPublish: { dataSource: 'profiles' } },
        { name: 'nowhere', code, onPublish: { dataSource: 'nowhere' } },
        { name: 'default' },
      ],
    });
    client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    client.send({ type: 'subscribe', id: 's', channel: '/enrich/*', authorization: { 'x-api-key': TEST_KEY } });
    await client.reply('s', 10_000);
  });

  after(async () => {
    await client?.close();
    await server?.close();
    api.closeAllConnections();
    await new Promise<void>((r) => api.close(() => r()));
    files.remove();
  });

  const publish = (id: string, channel: string, payload: unknown): Promise<Frame> => {
    client.send({ type: 'publish', id, channel, events: [JSON.stringify(payload)], authorization: { 'x-api-key': TEST_KEY } });
    return client.reply(id, 15_000);
  };

  it('sends method, path, query, headers and body, and enriches the events with the answer', async () => {
    assert.equal((await publish('p1', '/enrich/room', { user: 'ada', text: 'hi' })).type, 'publish_success');
    await client.next((f) => f.type === 'data' && f['id'] === 's', 10_000);
    assert.deepEqual(client.data('s'), [{ user: 'ada', text: 'hi', profile: { name: 'Ada', plan: 'pro' }, type: 'application/json' }]);
    const request = received.at(-1)!;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/base/profiles/lookup?user=ada&tag=a&tag=b');
    assert.equal(request.headers['x-api-key'], 'profile-api-secret-key', 'the configured header');
    assert.equal(request.headers['x-trace'], '/enrich/room', "the request's own header");
    assert.equal(request.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request.body), { channel: '/enrich/room', count: 1 });
  });

  it('gives a 404 to response(ctx) as a result, not an error', async () => {
    const reply = await publish('p2', '/enrich/room', { user: 'x', path: '/missing' });
    assert.deepEqual((reply['failed'] as { message: string }[]).map((f) => f.message), ['lookup answered 404']);
  });

  it('refuses a restricted header before sending anything', async () => {
    const count = received.length;
    const reply = await publish('p3', '/enrich/room', { user: 'x', header: 'Host' });
    assert.equal(errorOf(reply).errorType, 'HTTP:InvalidRequest');
    assert.match(errorOf(reply).message, /the Host header cannot be set/);
    assert.equal(received.length, count);
  });

  it('never delays other namespaces while a call waits on a slow endpoint', async () => {
    const other = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    try {
      const slowCalls = received.filter((r) => r.url.startsWith('/base/slow')).length;
      let slowAnswered = false;
      const slow = publish('p7', '/enrich/room', { user: 'x', path: '/slow' }).finally(() => (slowAnswered = true));
      await until(() => received.filter((r) => r.url.startsWith('/base/slow')).length > slowCalls, 'the slow request to reach the endpoint');
      const fast = await other.publish('f1', '/default/x', [{ quick: true }], TEST_KEY);
      assert.equal(fast.type, 'publish_success');
      assert.equal(slowAnswered, false, 'another namespace was answered while the data source call was still waiting');
      assert.equal(errorOf(await slow).errorType, 'HTTP:TimeoutError');
    } finally {
      await other.close();
    }
  });

  it('times out a slow endpoint, caps the response size, and reports an endpoint that is down', async () => {
    const started = Date.now();
    assert.equal(errorOf(await publish('p4', '/enrich/room', { user: 'x', path: '/slow' })).errorType, 'HTTP:TimeoutError');
    assert.ok(Date.now() - started < 1800, 'timeoutMs (500 ms) bounded the call');
    assert.equal(errorOf(await publish('p5', '/enrich/room', { user: 'x', path: '/big' })).errorType, 'HTTP:ResponseTooLarge');
    assert.equal(errorOf(await publish('p6', '/nowhere/room', { user: 'x' })).errorType, 'HTTP:ConnectionError');
    assert.doesNotMatch(JSON.stringify(server.logs), /profile-api-secret-key/, 'configured header values are never logged');
  });
});

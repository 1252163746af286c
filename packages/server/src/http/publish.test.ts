import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, settle } from '../test-support/ws-client.js';

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

describe('HTTP API', () => {
  let server: TestServer;
  let watcher: TestClient;
  before(async () => {
    server = await startTestServer({ limits: { httpBodyBytes: 64 * 1024 } });
    watcher = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await watcher.subscribe('all', '/default/*', TEST_KEY);
  });
  after(async () => {
    await watcher.close();
    await server.close();
  });

  async function post(body: unknown, headers: Record<string, string> = { 'x-api-key': TEST_KEY }): Promise<Reply> {
    const res = await fetch(`${server.httpUrl}/event`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  }

  it('publishes events and answers 200 {successful, failed} with a request id', async () => {
    const reply = await post({ channel: 'default/http', events: ['{"n":1}', '"two"'] });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body['failed'], []);
    assert.deepEqual((reply.body['successful'] as { index: number }[]).map((s) => s.index), [0, 1]);
    assert.match(reply.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
    await watcher.next((f) => f['event'] === '"two"');
    assert.deepEqual(watcher.data('all').slice(-2), [{ n: 1 }, 'two']);
  });

  for (const [name, body, status, errorType] of [
    ['a body that is not JSON', '{oops', 400, 'BadRequestException'],
    ['a JSON body that is not an object', '[1]', 400, 'BadRequestException'],
    ['a missing channel', { events: ['1'] }, 400, 'BadRequestException'],
    ['events that are not strings', { channel: '/default/a', events: [{ a: 1 }] }, 400, 'BadRequestException'],
    ['six events', { channel: '/default/a', events: ['1', '2', '3', '4', '5', '6'] }, 400, 'BadRequestException'],
    ['an event that is not JSON', { channel: '/default/a', events: ['nope'] }, 400, 'BadRequestException'],
    ['a wildcard channel', { channel: '/default/*', events: ['1'] }, 400, 'BadRequestException'],
    ['an unknown namespace', { channel: '/nowhere/a', events: ['1'] }, 404, 'ResourceNotFound'],
  ] as const) {
    it(`answers ${name} with ${status} ${errorType} and delivers nothing`, async () => {
      const count = watcher.data('all').length;
      const reply = await post(body);
      assert.equal(reply.status, status);
      const errors = reply.body['errors'] as { errorType: string; errorCode: number; message: string }[];
      assert.equal(errors[0]!.errorType, errorType);
      assert.equal(errors[0]!.errorCode, status);
      assert.ok(errors[0]!.message.length > 0);
      await settle(30);
      assert.equal(watcher.data('all').length, count);
    });
  }

  it('answers a wrong or missing API key with 401 UnauthorizedException', async () => {
    const wrong = await post({ channel: '/default/a', events: ['1'] }, { 'x-api-key': 'da2-wrongwrongwrongwrong' });
    assert.equal(wrong.status, 401);
    assert.equal((wrong.body['errors'] as { errorType: string }[])[0]!.errorType, 'UnauthorizedException');
    const missing = await post({ channel: '/default/a', events: ['1'] }, {});
    assert.equal(missing.status, 401);
  });

  it('answers a body over httpBodyBytes with 413 PayloadTooLargeException', async () => {
    const reply = await post({ channel: '/default/a', events: [JSON.stringify('z'.repeat(70 * 1024))] });
    assert.equal(reply.status, 413);
    assert.equal((reply.body['errors'] as { errorType: string }[])[0]!.errorType, 'PayloadTooLargeException');
  });

  it('answers a chunked body that grows past httpBodyBytes with 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${server.httpUrl}/event`);
      const req = request({ host: url.hostname, port: url.port, path: '/event', method: 'POST', headers: { 'x-api-key': TEST_KEY } }, (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(10 * 1024));
      req.end();
    });
    assert.equal(status, 413);
  });

  it('answers a CORS preflight and adds CORS headers to the publish response', async () => {
    const preflight = await fetch(`${server.httpUrl}/event`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key,x-amz-user-agent' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /x-api-key/);
    const res = await fetch(`${server.httpUrl}/event`, {
      method: 'POST',
      headers: { origin: 'https://app.example', 'x-api-key': TEST_KEY },
      body: JSON.stringify({ channel: '/default/cors', events: ['1'] }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  });

  it('answers GET /healthz with 200 when ready, and unknown routes and methods with 404 and 405', async () => {
    const health = await fetch(`${server.httpUrl}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const missing = await fetch(`${server.httpUrl}/graphql`);
    assert.equal(missing.status, 404);
    const get = await fetch(`${server.httpUrl}/event`);
    assert.equal(get.status, 405);
    assert.equal(((await get.json()) as { errors: { errorType: string }[] }).errors[0]!.errorType, 'MethodNotAllowedException');
  });
});

describe('CORS allow-list', () => {
  it('reflects only configured origins', async () => {
    const server = await startTestServer({ server: { host: '127.0.0.1', port: 0, corsOrigins: ['https://ok.example'] } });
    const allowed = await fetch(`${server.httpUrl}/event`, { method: 'OPTIONS', headers: { origin: 'https://ok.example' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://ok.example');
    const denied = await fetch(`${server.httpUrl}/event`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    assert.equal(denied.headers.get('access-control-allow-origin'), null);
    await server.close();
  });
});

/**
 * Answers at the edge of the HTTP server (issue 10 item 9): requests Node cannot parse get a
 * 400/431 instead of a reset, /healthz keeps answering 503 while a shutdown drains, and CORS
 * applies to POST /event only.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';

/** Sends raw bytes and resolves with everything the server answers before it closes. */
function rawExchange(port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(data));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', (err) => (text === '' ? reject(err) : resolve(text)));
  });
}

const bodyOf = (response: string) => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as { errors: { errorType: string; errorCode: number }[] };

describe('requests Node cannot parse', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('answers headers over the size limit with 431 and an AppSync-shaped body, then closes', async () => {
    const response = await rawExchange(server.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.match(response, /^HTTP\/1\.1 431 /);
    assert.deepEqual(bodyOf(response).errors[0], { errorType: 'BadRequestException', message: 'Request headers are too large', errorCode: 431 });
  });

  it('answers a malformed request with 400, also on a WebSocket upgrade', async () => {
    for (const request of ['HELLO\r\n\r\n', 'GET /event/realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nBad Header\r\n\r\n']) {
      const response = await rawExchange(server.port, request);
      assert.match(response, /^HTTP\/1\.1 400 /, JSON.stringify(request));
      assert.equal(bodyOf(response).errors[0]!.errorType, 'BadRequestException');
    }
  });

  it('still serves the next client', async () => {
    assert.equal((await fetch(`${server.httpUrl}/healthz`)).status, 200);
  });
});

describe('/healthz during a shutdown drain', () => {
  it('answers 503 (not a refused connection) while WebSockets drain, and stops listening after', async () => {
    const server = await startTestServer({ server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 1500 } });
    // A WebSocket client that never answers the server's close frame keeps the drain going.
    const stuck = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => stuck.once('connect', resolve));
    const key = Buffer.from('0123456789abcdef').toString('base64');
    const protocol = 'header-' + Buffer.from(JSON.stringify({ 'x-api-key': TEST_KEY })).toString('base64url');
    stuck.write(`GET /event/realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: aws-appsync-event-ws, ${protocol}\r\n\r\n`);
    await new Promise<void>((resolve) => stuck.once('data', () => resolve()));
    while (server.switchboard.connectionCount === 0) await new Promise((r) => setTimeout(r, 10));
    stuck.pause();

    const closing = server.close();
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 100));
    const health = await fetch(`${server.httpUrl}/healthz`).then((r) => r.status, (err: Error) => `refused (${err.message})`);
    assert.equal(health, 503);
    const upgrade = await rawExchange(server.port, `GET /event/realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: aws-appsync-event-ws\r\n\r\n`);
    assert.match(upgrade, /^HTTP\/1\.1 503 /, 'new WebSockets are refused while draining');
    await closing;
    assert.ok(Date.now() - started >= 1400, 'the drain lasted until the shutdown timeout');
    await assert.rejects(fetch(`${server.httpUrl}/healthz`), 'no longer listening once drained');
    stuck.destroy();
  });
});

describe('CORS', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());
  const origin = { origin: 'https://evil.example' };

  it('lets no other page read /metrics or /healthz', async () => {
    for (const path of ['/metrics', '/healthz']) {
      const res = await fetch(`${server.httpUrl}${path}`, { headers: origin });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), null, path);
      const preflight = await fetch(`${server.httpUrl}${path}`, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'GET' } });
      assert.equal(preflight.headers.get('access-control-allow-origin'), null, `${path} preflight`);
    }
  });

  it('still applies to POST /event and its preflight (server.corsOrigins, * by default)', async () => {
    const preflight = await fetch(`${server.httpUrl}/event`, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    const res = await fetch(`${server.httpUrl}/event`, { method: 'POST', headers: { ...origin, 'x-api-key': TEST_KEY }, body: JSON.stringify({ channel: '/default/c', events: ['1'] }) });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  });
});

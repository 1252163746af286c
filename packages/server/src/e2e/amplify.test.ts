/**
 * End-to-end: the real Amplify JS Events client (`events` from `aws-amplify/data`, v6) against a
 * real Switchboard over HTTPS/WSS with a self-signed certificate made here.
 *
 * Amplify forces `wss://` and only trusts extra CAs from `NODE_EXTRA_CA_CERTS`, which Node reads at
 * start-up, so Amplify runs in a child process (`amplify-driver.js`) driven line by line over
 * stdin/stdout; the server and an independent raw `ws` client run here. Every wait is bounded and
 * the child is killed if it does not exit.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { makeSelfSignedCert } from '../test-support/tls.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, settle, type Frame } from '../test-support/ws-client.js';
import { AmplifyDriver } from './amplify-driver-client.js';

const WRONG_KEY = 'da2-thisisnotthekey0000000000000';
const SUBPROTOCOL = 'aws-appsync-event-ws';

/** A plain HTTPS `POST /event` (no Amplify), trusting the test CA. */
function httpsPost(url: string, ca: Buffer, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(url, { method: 'POST', ca, timeout: 3000, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) }));
    });
    req.on('timeout', () => req.destroy(new Error('https POST timed out')));
    req.on('error', reject);
    req.end(text);
  });
}

const firstError = (frame: Frame): { errorType?: string; errorCode?: number; message?: string } =>
  ((frame['errors'] as { errorType?: string; errorCode?: number; message?: string }[] | undefined) ?? [])[0] ?? {};

// ---------------------------------------------------------------------------------------------

describe('the real Amplify JS Events client against Switchboard over TLS', () => {
  let dir: string;
  let certPath: string;
  let ca: Buffer;
  let server: TestServer;
  let endpoint: string;
  let amplify: AmplifyDriver;
  let observer: TestClient;
  /** Open WebSocket connections before Amplify connects (the raw observer's). */
  let baseline: number;
  /** The id Amplify gave the `/default/room` subscription. */
  let roomSubId: string;

  before(async () => {
    const tls = makeSelfSignedCert('switchboard-amplify-');
    dir = tls.dir;
    certPath = tls.certPath;
    const keyPath = tls.keyPath;
    ca = readFileSync(certPath);
    server = await startTestServer({ server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2000, tls: { cert: certPath, key: keyPath } } });
    assert.match(server.httpUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
    endpoint = `${server.httpUrl}/event`;
    observer = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY, ca });
    baseline = server.switchboard.connectionCount;
    amplify = await AmplifyDriver.start(certPath, endpoint, TEST_KEY);
  });

  after(async () => {
    await amplify?.stop();
    await observer?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects over WSS: the server selects the aws-appsync-event-ws subprotocol and acknowledges connection_init', async () => {
    await amplify.ok('connect', { name: 'room', channel: '/default/room' });
    const sockets = await amplify.sockets();
    assert.equal(sockets.length, 1, `Amplify opened ${sockets.length} sockets (retries?): ${JSON.stringify(sockets)}`);
    const [socket] = sockets;
    assert.equal(socket!.url, `wss://127.0.0.1:${server.port}/event/realtime`);
    assert.equal(socket!.offered[0], SUBPROTOCOL);
    assert.match(socket!.offered[1] ?? '', /^header-[A-Za-z0-9_-]+$/);
    const header = JSON.parse(Buffer.from(socket!.offered[1]!.slice('header-'.length), 'base64url').toString('utf8')) as Record<string, string>;
    assert.equal(header['x-api-key'], TEST_KEY);
    assert.equal(header['host'], `127.0.0.1:${server.port}`);
    assert.equal(socket!.protocol, SUBPROTOCOL, 'the server must select aws-appsync-event-ws');
    assert.equal(socket!.opened, true);

    const frames = await amplify.frames();
    assert.equal(frames[0]?.dir, 'out');
    assert.deepEqual(frames[0]?.frame, { type: 'connection_init' });
    const ack = frames.find((f) => f.dir === 'in' && f.frame.type === 'connection_ack');
    assert.ok(ack, `no connection_ack; frames: ${JSON.stringify(frames)}`);
    assert.equal(typeof ack.frame['connectionTimeoutMs'], 'number');
    assert.equal(server.switchboard.connectionCount, baseline + 1);
  });

  it('delivers events Amplify publishes over WebSocket (channel.publish) and HTTP (events.post) to an exact-channel subscriber, payloads intact', async () => {
    const ready = await amplify.ok<{ subscriptionId: string }>('subscribe', { name: 'room-sub', channel: 'room' });
    roomSubId = ready.subscriptionId;
    assert.equal(typeof roomSubId, 'string');

    const object = { hello: 'ws', n: 1, nested: { list: [1, 'two', null, true], empty: {} } };
    const text = 'plain "quoted" text with unicode: héllo ✓ 😀';
    assert.equal(await amplify.ok('publish', { channel: 'room', event: object }), null);
    await amplify.receivedCount('room-sub', 1);
    assert.equal(await amplify.ok('publish', { channel: 'room', event: text }), null);
    await amplify.receivedCount('room-sub', 2);
    assert.equal(await amplify.ok('publish', { channel: 'room', event: 42 }), null);
    await amplify.receivedCount('room-sub', 3);
    assert.equal(await amplify.ok('post', { channel: '/default/room', event: { hello: 'http', n: 2.5 } }), null);
    await amplify.receivedCount('room-sub', 4);
    // events.post adds the missing leading slash; an array is one event per element.
    assert.equal(await amplify.ok('post', { channel: 'default/room', event: ['http string', -7, null, [1, { a: 'b' }]] }), null);
    const received = await amplify.receivedCount('room-sub', 8);

    assert.deepEqual(received, [object, text, 42, { hello: 'http', n: 2.5 }, 'http string', -7, null, [1, { a: 'b' }]]);
    for (const value of amplify.nexts('room-sub')) {
      assert.equal(value.id, roomSubId);
      assert.equal(value.type, 'data');
    }
  });

  it('delivers events published on /default/a/b to a /default/* wildcard subscriber, and none from another namespace', async () => {
    await amplify.ok('connect', { name: 'wild', channel: '/default/*' });
    await amplify.ok('subscribe', { name: 'wild-sub', channel: 'wild' });
    await amplify.ok('connect', { name: 'ab', channel: '/default/a/b' });

    await amplify.ok('post', { channel: '/chat/a/b', event: { via: 'other namespace' } });
    await amplify.ok('publish', { channel: 'ab', event: { via: 'ws', path: '/default/a/b' } });
    await amplify.receivedCount('wild-sub', 1);
    await amplify.ok('post', { channel: '/default/a/b', event: { via: 'http', path: '/default/a/b' } });
    await amplify.receivedCount('wild-sub', 2);
    await settle(200);
    assert.deepEqual(amplify.received('wild-sub'), [
      { via: 'ws', path: '/default/a/b' },
      { via: 'http', path: '/default/a/b' },
    ]);
    // The exact /default/room subscriber saw none of it.
    assert.equal(amplify.nexts('room-sub').length, 8);
  });

  it('delivers events published by non-Amplify clients (a raw WebSocket client and a plain HTTPS POST) to the Amplify subscriber', async () => {
    const before = amplify.nexts('room-sub').length;
    const reply = await observer.publish('ext-ws', '/default/room', [{ from: 'raw-ws', list: [1, 2] }], TEST_KEY);
    assert.equal(reply.type, 'publish_success', JSON.stringify(reply));
    await amplify.receivedCount('room-sub', before + 1);

    const res = await httpsPost(endpoint, ca, { channel: '/default/room', events: [JSON.stringify({ from: 'https' }), JSON.stringify('https string')] }, { 'x-api-key': TEST_KEY });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual((res.body as { failed: unknown[] }).failed, []);
    await amplify.receivedCount('room-sub', before + 3);
    assert.deepEqual(amplify.received('room-sub').slice(before), [{ from: 'raw-ws', list: [1, 2] }, { from: 'https' }, 'https string']);
  });

  it('stops delivering to an observer after sub.unsubscribe(), and the server sends that subscription no more data frames', async () => {
    await amplify.ok('connect', { name: 'unsub', channel: '/default/unsub' });
    const { subscriptionId } = await amplify.ok<{ subscriptionId: string }>('subscribe', { name: 'unsub-sub', channel: 'unsub' });
    assert.equal((await observer.subscribe('obs-unsub', '/default/unsub', TEST_KEY)).type, 'subscribe_success');

    await observer.publish('u-before', '/default/unsub', ['before'], TEST_KEY);
    await amplify.receivedCount('unsub-sub', 1);

    await amplify.ok('unsubscribe', { name: 'unsub-sub' });
    await amplify.frame((f) => f.dir === 'out' && f.frame.type === 'unsubscribe' && f.frame['id'] === subscriptionId, 2000, 'unsubscribe (sent)');
    await amplify.frame((f) => f.dir === 'in' && f.frame.type === 'unsubscribe_success' && f.frame['id'] === subscriptionId, 2000, 'unsubscribe_success');

    assert.equal((await observer.publish('u-after', '/default/unsub', ['after-ws'], TEST_KEY)).type, 'publish_success');
    await amplify.ok('post', { channel: '/default/unsub', event: 'after-http' });
    // The independent observer proves both were published and delivered; then give stray frames time.
    await observer.next((f) => f.type === 'data' && f['id'] === 'obs-unsub' && f['event'] === '"after-http"');
    await settle(300);

    assert.deepEqual(observer.data('obs-unsub'), ['before', 'after-ws', 'after-http']);
    assert.deepEqual(amplify.received('unsub-sub'), ['before']);
    const dataFrames = (await amplify.frames()).filter((f) => f.dir === 'in' && f.frame.type === 'data' && f.frame['id'] === subscriptionId);
    assert.deepEqual(dataFrames.map((f) => f.frame['event']), ['"before"'], 'the server kept sending data frames after unsubscribe_success');
  });

  it('rejects events.post and channel.publish with a wrong API key (per-call override) and leaves the connection working', async () => {
    const before = amplify.nexts('room-sub').length;
    const postError = await amplify.fails('post', { channel: '/default/room', event: { wrong: 'http' }, apiKey: WRONG_KEY });
    assert.equal(postError.httpStatusCode, 401, JSON.stringify(postError));
    assert.equal(postError.body?.errors?.[0]?.errorType, 'UnauthorizedException', JSON.stringify(postError));

    const publishError = await amplify.fails('publish', { channel: 'room', event: { wrong: 'ws' }, apiKey: WRONG_KEY });
    assert.equal(publishError.message, 'Publish errors: UnauthorizedException', JSON.stringify(publishError));

    await amplify.ok('publish', { channel: 'room', event: { right: 'key' } });
    await amplify.receivedCount('room-sub', before + 1);
    await settle(100);
    assert.deepEqual(amplify.received('room-sub').slice(before), [{ right: 'key' }]);
    assert.equal((await amplify.sockets()).length, 1, 'Amplify had to reconnect');
  });

  it('rejects events.connect with a wrong API key at once with a non-retryable UnauthorizedException, and events.post too (fresh process)', async () => {
    const wrong = await AmplifyDriver.start(certPath, endpoint, WRONG_KEY);
    try {
      // A retryable failure would take ~7 s of backoff; a non-retryable one rejects at once.
      const connectError = await wrong.fails('connect', { name: 'room', channel: '/default/room' }, 10_000);
      assert.equal(connectError.message, 'UnauthorizedException', JSON.stringify(connectError));
      assert.equal(connectError.nonRetryable, true, JSON.stringify(connectError));
      assert.ok((connectError.elapsedMs ?? Infinity) < 3000, `connect took ${connectError.elapsedMs} ms`);

      const sockets = await wrong.sockets();
      assert.equal(sockets.length, 1, `Amplify retried: ${JSON.stringify(sockets)}`);
      assert.equal(sockets[0]!.protocol, SUBPROTOCOL, 'the upgrade completes with the subprotocol even when auth fails');
      const frames = await wrong.frames();
      const connectionError = frames.find((f) => f.dir === 'in' && f.frame.type === 'connection_error');
      assert.ok(connectionError, `no connection_error; frames: ${JSON.stringify(frames)}`);
      assert.equal(firstError(connectionError.frame).errorType, 'UnauthorizedException');
      assert.equal(firstError(connectionError.frame).errorCode, 401);

      const postError = await wrong.fails('post', { channel: '/default/room', event: { wrong: 'key' } });
      assert.equal(postError.httpStatusCode, 401, JSON.stringify(postError));
      assert.equal(postError.body?.errors?.[0]?.errorType, 'UnauthorizedException');
      // The socket Amplify gave up on is closed (by the server or the client), not left open.
      const deadline = Date.now() + 2000;
      while ((await wrong.sockets())[0]!.closeCode === undefined && Date.now() < deadline) await settle(50);
      assert.notEqual((await wrong.sockets())[0]!.closeCode, undefined, 'the rejected socket was left open');
    } finally {
      await wrong.stop();
    }
    assert.equal(server.switchboard.connectionCount, baseline + 1, 'the server still holds a connection from the rejected client');
  });

  it('errors the subscription and rejects publishes for an unknown namespace with ResourceNotFound, keeping the connection open', async () => {
    await amplify.ok('connect', { name: 'nowhere', channel: '/nowhere/x' });
    const readyError = await amplify.fails('subscribe', { name: 'nowhere-sub', channel: 'nowhere' });
    assert.match(readyError.message ?? '', /ResourceNotFound/, JSON.stringify(readyError));
    const observed = await amplify.waitFor((m) => m.kind === 'error' && m.sub === 'nowhere-sub', 2000, 'observer.error on /nowhere/x');
    assert.match(JSON.stringify(observed.error), /ResourceNotFound/, JSON.stringify(observed.error));

    const subscribe = await amplify.frame((f) => f.dir === 'out' && f.frame.type === 'subscribe' && f.frame['channel'] === '/nowhere/x', 1000, 'subscribe /nowhere/x');
    const subscribeError = await amplify.frame((f) => f.dir === 'in' && f.frame['id'] === subscribe.frame['id'] && f.frame.type !== 'data', 1000, 'reply to subscribe /nowhere/x');
    assert.equal(subscribeError.frame.type, 'subscribe_error');
    assert.equal(firstError(subscribeError.frame).errorType, 'ResourceNotFound');
    assert.equal(firstError(subscribeError.frame).errorCode, 404);

    const postError = await amplify.fails('post', { channel: '/nowhere/x', event: { lost: true } });
    assert.equal(postError.httpStatusCode, 404, JSON.stringify(postError));
    assert.equal(postError.body?.errors?.[0]?.errorType, 'ResourceNotFound');

    const publishError = await amplify.fails('publish', { channel: 'nowhere', event: { lost: true } });
    assert.equal(publishError.message, 'Publish errors: ResourceNotFound', JSON.stringify(publishError));

    // The socket survives: still one socket, not closed, and the room subscription still receives.
    const before = amplify.nexts('room-sub').length;
    await amplify.ok('publish', { channel: 'room', event: 'still open' });
    await amplify.receivedCount('room-sub', before + 1);
    const sockets = await amplify.sockets();
    assert.equal(sockets.length, 1);
    assert.equal(sockets[0]!.closeCode, undefined);
  });

  it('raised no uncaught exception in the Amplify process', () => {
    const uncaught = amplify.messages.filter((m) => m.kind === 'uncaught');
    assert.deepEqual(uncaught, [], amplify.stderr);
  });
});

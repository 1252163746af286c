import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, settle, type Frame } from '../test-support/ws-client.js';

const errorOf = (frame: Frame): { errorType: string; message: string; errorCode?: number } =>
  (frame['errors'] as { errorType: string; message: string; errorCode?: number }[])[0]!;

describe('WebSocket operations', () => {
  let server: TestServer;
  let a: TestClient;
  let b: TestClient;
  before(async () => {
    server = await startTestServer();
    a = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    b = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
  });
  after(async () => {
    await Promise.all([a.close(), b.close()]);
    await server.close();
  });

  it('works without connection_init (D4)', async () => {
    const reply = await a.subscribe('no-init', '/default/no-init', TEST_KEY);
    assert.deepEqual(reply, { type: 'subscribe_success', id: 'no-init' });
  });

  it('delivers a published event to a subscriber as a data frame whose event is a JSON string (D1)', async () => {
    await a.subscribe('sub-1', '/default/room', TEST_KEY);
    const reply = await b.publish('pub-1', '/default/room', [{ hello: 'world' }, 'text', 42, null], TEST_KEY);
    assert.equal(reply.type, 'publish_success');
    assert.deepEqual(reply['failed'], []);
    const successful = reply['successful'] as { identifier: string; index: number }[];
    assert.deepEqual(successful.map((s) => s.index), [0, 1, 2, 3]);
    assert.equal(new Set(successful.map((s) => s.identifier)).size, 4);
    await a.next((f) => f.type === 'data' && f['id'] === 'sub-1' && f['event'] === 'null');
    const frames = a.frames.filter((f) => f.type === 'data' && f['id'] === 'sub-1');
    assert.deepEqual(frames[0], { type: 'data', id: 'sub-1', event: '{"hello":"world"}' });
    assert.deepEqual(a.data('sub-1'), [{ hello: 'world' }, 'text', 42, null]);
  });

  it('accepts channels without the leading slash and with a trailing slash', async () => {
    await a.subscribe('slash', 'default/slashless/', TEST_KEY);
    await b.publish('pub-slash', 'default/slashless', [1], TEST_KEY);
    await a.next((f) => f.type === 'data' && f['id'] === 'slash');
  });

  it('delivers to wildcard subscribers at any depth below the prefix, never to the prefix itself (D8)', async () => {
    await a.subscribe('wild', '/chat/*', TEST_KEY);
    await a.subscribe('wild-deep', '/chat/rooms/*', TEST_KEY);
    await b.publish('w1', '/chat/lobby', ['lobby'], TEST_KEY);
    await b.publish('w2', '/chat/rooms/1/thread', ['thread'], TEST_KEY);
    await b.publish('w3', '/chat', ['bare'], TEST_KEY);
    await b.publish('w4', '/default/lobby', ['other-namespace'], TEST_KEY);
    await a.next((f) => f['id'] === 'wild-deep' && f.type === 'data');
    await settle();
    assert.deepEqual(a.data('wild'), ['lobby', 'thread']);
    assert.deepEqual(a.data('wild-deep'), ['thread']);
  });

  it('sends one data frame per matching subscription, and echoes to a subscribed publisher (D14)', async () => {
    await b.subscribe('echo-exact', '/default/echo', TEST_KEY);
    await b.subscribe('echo-wild', '/default/*', TEST_KEY);
    await b.publish('echo-pub', '/default/echo', ['me'], TEST_KEY);
    await b.next((f) => f['id'] === 'echo-exact' && f.type === 'data');
    await b.next((f) => f['id'] === 'echo-wild' && f['event'] === '"me"');
    await settle();
    assert.deepEqual(b.data('echo-exact'), ['me']);
    assert.deepEqual(b.data('echo-wild').filter((e) => e === 'me'), ['me']);
  });

  it('keeps the publish order of events on a channel for every subscriber (D15)', async () => {
    await a.subscribe('order', '/default/order', TEST_KEY);
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    for (let n = 0; n < 20; n++) {
      client.send({ type: 'publish', id: `o${n}`, channel: '/default/order', events: [String(n * 2), String(n * 2 + 1)], authorization: { 'x-api-key': TEST_KEY } });
    }
    await a.next((f) => f['id'] === 'order' && f['event'] === '39');
    assert.deepEqual(a.data('order'), Array.from({ length: 40 }, (_, n) => n));
    await client.close();
  });

  it('ignores unknown fields such as Amplify\'s legacy payload', async () => {
    a.send({ type: 'subscribe', id: 'legacy', channel: '/default/legacy', authorization: { 'x-api-key': TEST_KEY }, payload: { channel: '/x/y', extensions: {} } });
    assert.equal((await a.reply('legacy')).type, 'subscribe_success');
  });

  it('rejects a duplicate subscription id on one connection, and accepts it on another (D11)', async () => {
    await a.subscribe('dup', '/default/dup', TEST_KEY);
    a.send({ type: 'subscribe', id: 'dup', channel: '/default/dup2', authorization: { 'x-api-key': TEST_KEY } });
    const reply = await a.next((f) => f['id'] === 'dup' && f.type === 'subscribe_error');
    assert.equal(errorOf(reply).errorType, 'BadRequestException');
    assert.match(errorOf(reply).message, /already in use/);
    assert.equal((await b.subscribe('dup', '/default/dup', TEST_KEY)).type, 'subscribe_success');
  });

  for (const [channel, why] of [
    ['/default/a*', 'a * inside a segment'],
    ['/default/*/x', 'a * mid-path'],
    ['/*', '/* alone'],
    ['/default/-bad', 'a segment starting with -'],
    ['/a/b/c/d/e/f', 'six segments'],
    ['/default/' + 'x'.repeat(51), 'a 51-character segment'],
    ['', 'an empty channel'],
  ]) {
    it(`rejects a subscription to ${why} with BadRequestException`, async () => {
      const id = `bad-${Math.random().toString(36).slice(2)}`;
      a.send({ type: 'subscribe', id, channel, authorization: { 'x-api-key': TEST_KEY } });
      const reply = await a.reply(id);
      assert.equal(reply.type, 'subscribe_error');
      assert.equal(errorOf(reply).errorType, 'BadRequestException');
      assert.equal(errorOf(reply).errorCode, 400);
    });
  }

  it('rejects publishing to a wildcard channel (D8)', async () => {
    const reply = await a.publish('pub-wild', '/default/*', ['x'], TEST_KEY);
    assert.equal(reply.type, 'publish_error');
    assert.equal(errorOf(reply).errorType, 'BadRequestException');
  });

  it('answers an unknown namespace with ResourceNotFound 404 (D10)', async () => {
    const sub = await a.subscribe('nons', '/nowhere/a', TEST_KEY);
    assert.deepEqual(sub['errors'], [{ errorType: 'ResourceNotFound', message: 'Namespace nowhere not found', errorCode: 404 }]);
    const pub = await a.publish('nons-pub', '/nowhere/a', ['x'], TEST_KEY);
    assert.equal(pub.type, 'publish_error');
    assert.equal(errorOf(pub).errorType, 'ResourceNotFound');
  });

  it('checks the per-message authorization on every subscribe and publish', async () => {
    const sub = await a.subscribe('badkey', '/default/a', 'da2-wrongwrongwrongwrongwrong');
    assert.equal(sub.type, 'subscribe_error');
    assert.equal(errorOf(sub).errorType, 'UnauthorizedException');
    assert.equal(errorOf(sub).errorCode, 401);
    await a.subscribe('watch-badkey', '/default/badkey', TEST_KEY);
    const pub = await b.publish('badkey-pub', '/default/badkey', ['x'], 'da2-wrongwrongwrongwrongwrong');
    assert.equal(pub.type, 'publish_error');
    assert.equal(errorOf(pub).errorType, 'UnauthorizedException');
    await settle();
    assert.deepEqual(a.data('watch-badkey'), []);
  });

  it('rejects more than 5 events, invalid JSON events and empty batches, delivering none of them', async () => {
    await a.subscribe('batch-watch', '/default/batch', TEST_KEY);
    const six = await b.publish('six', '/default/batch', [1, 2, 3, 4, 5, 6], TEST_KEY);
    assert.equal(six.type, 'publish_error');
    assert.deepEqual(errorOf(six), { errorType: 'BadRequestException', message: 'Input exceeded 5 event limit', errorCode: 400 });
    b.send({ type: 'publish', id: 'badjson', channel: '/default/batch', events: ['{"ok":1}', '{nope'], authorization: { 'x-api-key': TEST_KEY } });
    const badJson = await b.reply('badjson');
    assert.equal(badJson.type, 'publish_error');
    assert.match(errorOf(badJson).message, /index 1/);
    const empty = await b.publish('empty', '/default/batch', [], TEST_KEY);
    assert.equal(empty.type, 'publish_error');
    await settle();
    assert.deepEqual(a.data('batch-watch'), []);
  });

  it('unsubscribes, stops delivery, and answers an unknown id with UnknownOperationError', async () => {
    await a.subscribe('unsub', '/default/unsub', TEST_KEY);
    a.send({ type: 'unsubscribe', id: 'unsub' });
    assert.deepEqual(await a.next((f) => f.type === 'unsubscribe_success'), { type: 'unsubscribe_success', id: 'unsub' });
    await b.publish('after-unsub', '/default/unsub', ['late'], TEST_KEY);
    a.send({ type: 'unsubscribe', id: 'unsub' });
    const again = await a.next((f) => f.type === 'unsubscribe_error');
    assert.deepEqual(again, {
      type: 'unsubscribe_error',
      id: 'unsub',
      errors: [{ errorType: 'UnknownOperationError', message: 'Unknown operation id unsub', errorCode: 400 }],
    });
    assert.deepEqual(a.data('unsub'), []);
  });

  it('answers an unknown type with an error frame UnsupportedOperation echoing the id (D12)', async () => {
    a.send({ type: 'start', id: 'gql-1' });
    const reply = await a.reply('gql-1');
    assert.equal(reply.type, 'error');
    assert.equal(errorOf(reply).errorType, 'UnsupportedOperation');
  });

  it('answers invalid JSON and non-object messages with an error frame and keeps the connection open', async () => {
    a.send('{not json');
    a.send('[1,2]');
    a.send('"str"');
    await settle();
    const errors = a.frames.filter((f) => f.type === 'error' && f['id'] === undefined);
    assert.ok(errors.length >= 3);
    assert.ok(errors.every((f) => errorOf(f).errorType === 'BadRequestException'));
    assert.equal((await a.subscribe('still-open', '/default/still', TEST_KEY)).type, 'subscribe_success');
  });

  it('answers an invalid id with an error frame', async () => {
    a.send({ type: 'subscribe', id: 'has space', channel: '/default/a', authorization: { 'x-api-key': TEST_KEY } });
    const reply = await a.reply('has space');
    assert.equal(reply.type, 'error');
    assert.equal(errorOf(reply).errorType, 'BadRequestException');
  });

  it('answers a binary frame with an error frame', async () => {
    const before = a.frames.length;
    a.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const reply = await a.next((f) => f.type === 'error' && a.frames.indexOf(f) >= before && /Binary/.test(errorOf(f).message));
    assert.equal(errorOf(reply).errorType, 'BadRequestException');
  });
});

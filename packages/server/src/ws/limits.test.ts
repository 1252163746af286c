import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TEST_KEY, startTestServer } from '../test-support/server.js';
import { TestClient, settle, type Frame } from '../test-support/ws-client.js';

const errorType = (frame: Frame): string => (frame['errors'] as { errorType: string }[])[0]!.errorType;

describe('per-connection limits (D13)', () => {
  it('refuses a subscription past subscriptionsPerConnection with MaxSubscriptionsReachedError', async () => {
    const server = await startTestServer({ limits: { subscriptionsPerConnection: 3 } });
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    for (let i = 0; i < 3; i++) assert.equal((await client.subscribe(`s${i}`, `/default/c${i}`, TEST_KEY)).type, 'subscribe_success');
    const fourth = await client.subscribe('s3', '/default/c3', TEST_KEY);
    assert.equal(fourth.type, 'subscribe_error');
    assert.equal(errorType(fourth), 'MaxSubscriptionsReachedError');
    client.send({ type: 'unsubscribe', id: 's0' });
    await client.next((f) => f.type === 'unsubscribe_success');
    assert.equal((await client.subscribe('s4', '/default/c4', TEST_KEY)).type, 'subscribe_success', 'a freed slot can be reused');
    await client.close();
    await server.close();
  });

  it('refuses publishes past publishesPerSecond with LimitExceededError, and allows them again a second later', async () => {
    const server = await startTestServer({ limits: { publishesPerSecond: 3 } });
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    for (let i = 0; i < 5; i++) {
      client.send({ type: 'publish', id: `p${i}`, channel: '/default/rate', events: ['1'], authorization: { 'x-api-key': TEST_KEY } });
    }
    const replies = await Promise.all([0, 1, 2, 3, 4].map((i) => client.reply(`p${i}`)));
    assert.deepEqual(replies.map((r) => r.type), ['publish_success', 'publish_success', 'publish_success', 'publish_error', 'publish_error']);
    assert.equal(errorType(replies[3]!), 'LimitExceededError');
    await settle(1100);
    assert.equal((await client.publish('later', '/default/rate', [1], TEST_KEY)).type, 'publish_success');
    await client.close();
    await server.close();
  });

  it('fails an event larger than eventBytes alone, with EventTooLargeException in failed', async () => {
    const server = await startTestServer({ limits: { eventBytes: 1000 } });
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    const ok = await client.publish('fits', '/default/size', ['x'.repeat(990)], TEST_KEY);
    assert.deepEqual(ok['failed'], []);
    const tooBig = await client.publish('big', '/default/size', ['é'.repeat(600)], TEST_KEY);
    assert.equal(tooBig.type, 'publish_success');
    assert.deepEqual(tooBig['successful'], []);
    const failed = (tooBig['failed'] as { code: string; message: string }[])[0]!;
    assert.deepEqual([failed.code, failed.message], ['EventTooLargeException', 'Transformed event is larger than 1000 bytes']);
    await client.close();
    await server.close();
  });

  it('closes a connection that sends a frame larger than frameBytes with 1009, and others keep working', async () => {
    const server = await startTestServer({ limits: { frameBytes: 2048 } });
    const other = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await other.subscribe('watch', '/default/frame', TEST_KEY);
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    client.send({ type: 'publish', id: 'huge', channel: '/default/frame', events: [JSON.stringify('x'.repeat(4096))], authorization: { 'x-api-key': TEST_KEY } });
    assert.equal((await client.closed).code, 1009);
    const publisher = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await publisher.publish('small', '/default/frame', ['ok'], TEST_KEY);
    await other.next((f) => f.type === 'data');
    assert.deepEqual(other.data('watch'), ['ok']);
    await Promise.all([other.close(), publisher.close()]);
    await server.close();
  });

  it('closes a connection at connectionAgeMs with 4002', async () => {
    const server = await startTestServer({ limits: { connectionAgeMs: 300 } });
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    const started = Date.now();
    const closed = await client.closed;
    assert.equal(closed.code, 4002);
    assert.ok(Date.now() - started >= 250);
    await server.close();
  });

  it('disconnects a slow consumer with 4001 instead of buffering without bound, and others keep receiving', async () => {
    const server = await startTestServer({ limits: { sendBufferBytes: 256 * 1024 } });
    const slow = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    const fast = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await slow.subscribe('slow', '/default/flood', TEST_KEY);
    await fast.subscribe('fast', '/default/flood', TEST_KEY);
    // Stop reading: the server's send buffer for this socket can only grow.
    slow.ws.pause();
    const event = JSON.stringify('y'.repeat(200 * 1024));
    const batches = 60;
    let resumed = false;
    for (let i = 0; i < batches; i++) {
      const res = await fetch(`${server.httpUrl}/event`, {
        method: 'POST',
        headers: { 'x-api-key': TEST_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: '/default/flood', events: [event, event, event, event, event] }),
      });
      assert.equal(res.status, 200);
      // A client that catches up within the grace period reads its backlog, then the 4001 close frame.
      if (!resumed && server.logs.some((l) => l['msg'] === 'closing slow consumer')) {
        resumed = true;
        slow.ws.resume();
      }
    }
    await fast.next((f) => f.type === 'data' && fast.frames.filter((x) => x.type === 'data').length === batches * 5, 10000);
    assert.ok(resumed, 'the slow consumer was cut');
    assert.equal((await slow.closed).code, 4001);
    await fast.close();
    await server.close();
  });
});

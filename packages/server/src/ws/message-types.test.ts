import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, settle, type Frame } from '../test-support/ws-client.js';

const errorOf = (frame: Frame): { errorType: string } => (frame['errors'] as { errorType: string }[])[0]!;

describe('message types', () => {
  let server: TestServer;
  let watcher: TestClient;
  before(async () => {
    server = await startTestServer();
    watcher = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await watcher.subscribe('watch', '/default/*', TEST_KEY);
  });
  after(async () => {
    await watcher.close();
    await server.close();
  });

  it('answers a type naming a built-in property with UnsupportedOperation in an error frame, and publishes nothing', async () => {
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    const types = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];
    for (const type of types) {
      client.send(`{"type":${JSON.stringify(type)},"id":"${type.replace(/_/g, '-')}","channel":"/default/proto","events":["\\"${type}\\""],"authorization":{"x-api-key":"${TEST_KEY}"}}`);
    }
    for (const type of types) {
      const reply = await client.reply(type.replace(/_/g, '-'));
      assert.equal(reply.type, 'error', type);
      assert.equal(errorOf(reply).errorType, 'UnsupportedOperation', type);
    }
    // A publish sent after them is delivered; none of theirs was.
    await client.publish('after', '/default/proto', ['after'], TEST_KEY);
    await watcher.next((f) => f['event'] === '"after"');
    assert.deepEqual(watcher.data('watch').filter((e) => e !== 'after' && types.includes(e as string)), []);
    await client.close();
  });

  it('ignores a client ka: no answer, the connection stays open', async () => {
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    client.send({ type: 'ka' });
    client.send({ type: 'ka', id: 'with-id' });
    assert.equal((await client.publish('then', '/default/ka', ['x'], TEST_KEY)).type, 'publish_success');
    await settle(50);
    assert.deepEqual(client.frames.map((f) => f.type), ['publish_success']);
    await client.close();
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer } from '../test-support/server.js';
import { TestClient } from '../test-support/ws-client.js';

describe('graceful shutdown', () => {
  it('lets an in-flight publish finish and answer, then closes with 1001 and reports not ready', async (t) => {
    const files = new HandlerFiles('shutdown');
    t.after(() => files.remove());
    const slow = files.write('slow.mjs', 'export const handler = async (e) => { await new Promise((r) => setTimeout(r, 300)); return { events: e.events }; };');
    const server = await startTestServer({ namespaces: [{ name: 'slow', onPublish: { function: slow, runtime: 'inline' } }] });
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await client.subscribe('s', '/slow/a', TEST_KEY);
    client.send({ type: 'publish', id: 'inflight', channel: '/slow/a', events: ['1'], authorization: { 'x-api-key': TEST_KEY } });
    await new Promise((r) => setTimeout(r, 50));
    const closing = server.close();
    const health = await fetch(`${server.httpUrl}/healthz`).then((r) => r.status, () => 'refused');
    assert.ok(health === 503 || health === 'refused', `healthz during shutdown: ${health}`);
    const closed = await client.closed;
    await closing;
    assert.equal(closed.code, 1001);
    const reply = client.frames.find((f) => f['id'] === 'inflight' && f.type !== 'data');
    assert.equal(reply?.type, 'publish_success', 'the in-flight publish was answered before the close');
    assert.deepEqual(client.data('s'), [1]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { subscribeSince } from '../test-support/history.js';
import { TEST_KEY, startTestServer } from '../test-support/server.js';
import { eventually } from '../test-support/until.js';
import { TestClient } from '../test-support/ws-client.js';

const MIB = 1024 * 1024;

async function publishBatches(publisher: TestClient, channel: string, batches: number, event: string, prefix: string): Promise<void> {
  for (let i = 0; i < batches; i++) {
    publisher.send({ type: 'publish', id: `${prefix}${i}`, channel, events: [event, event, event, event, event], authorization: { 'x-api-key': TEST_KEY } });
    assert.equal((await publisher.reply(`${prefix}${i}`, 20_000)).type, 'publish_success');
  }
}

describe('history: live events held while a replay waits for a slow client', () => {
  it('are bounded by limits.sendBufferBytes: past it the connection is cut as a slow consumer (4001), and other subscribers keep receiving', async () => {
    const server = await startTestServer({
      namespaces: [{ name: 'big', history: { size: 5000, ttlMs: 60_000 } }],
      limits: { sendBufferBytes: 4 * MIB, sendBufferTotalBytes: 1024 * MIB, publishesPerSecond: 10_000, pendingOperations: 10_000 },
    });
    const publisher = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    const watcher = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    const reader = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    try {
      const start = (await subscribeSince(watcher, 'w', '/big/room'))['position'];
      const event = JSON.stringify({ text: 'h'.repeat(10_000) });
      // 20 MB of history: more than the kernel's socket buffers and the send buffer take, so the
      // replay to a client that does not read stops between pages, waiting for it to drain.
      await publishBatches(publisher, '/big/room', 400, event, 'old');

      reader.ws.pause();
      reader.send({ type: 'subscribe', id: 'r', channel: '/big/room', since: start, authorization: { 'x-api-key': TEST_KEY } });
      // Live events while the replay waits: 6 MB, past the 4 MiB a connection may hold.
      await publishBatches(publisher, '/big/room', 120, event, 'live');

      const metrics = async (): Promise<string> => fetch(`${server.httpUrl}/metrics`).then((r) => r.text());
      await eventually(metrics, (text) => /switchboard_disconnects_total\{reason="slow_consumer"\} 1\b/.test(text), 'the stalled reader to be cut as a slow consumer', 15_000);
      await eventually(() => watcher.frames.filter((f) => f.type === 'data').length, (n) => n === 2600, 'the watcher to receive every event', 20_000);
      reader.ws.resume();
      assert.ok([4001, 1006].includes((await reader.closed).code));
    } finally {
      reader.ws.terminate();
      await Promise.all([publisher.close(), watcher.close()]);
      await server.close();
    }
  });
});

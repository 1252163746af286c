import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TEST_KEY, startTestServer } from '../test-support/server.js';
import { TestClient, settle } from '../test-support/ws-client.js';

const MIB = 1024 * 1024;

/** Stops reading: the server's queue for this socket can only grow. */
const stall = (client: TestClient): void => (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();

describe('process-wide outbound budget (limits.sendBufferTotalBytes)', () => {
  it('cuts the stalled subscribers once the queued bytes of all sockets pass the budget, and the others keep receiving every event', async () => {
    // Per-socket limit out of reach: only the process-wide budget can cut.
    const server = await startTestServer({ limits: { sendBufferBytes: 256 * MIB, sendBufferTotalBytes: 2 * MIB, publishesPerSecond: 10_000 } });
    const stalled = await Promise.all(Array.from({ length: 8 }, () => TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY })));
    const healthy = await Promise.all(Array.from({ length: 3 }, () => TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY })));
    for (const [i, client] of [...stalled, ...healthy].entries()) await client.subscribe(`s${i}`, '/default/flood', TEST_KEY);
    stalled.forEach(stall);

    const publisher = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    const event = JSON.stringify({ text: 'e'.repeat(10_000) });
    let sent = 0;
    const started = Date.now();
    // 10 KB events until the budget cut every stalled subscriber (the kernel takes a few MB per socket first).
    while (server.switchboard.connectionCount > healthy.length + 1 && sent < 20_000) {
      publisher.send({ type: 'publish', id: `p${sent}`, channel: '/default/flood', events: [event, event, event, event, event], authorization: { 'x-api-key': TEST_KEY } });
      assert.equal((await publisher.reply(`p${sent}`)).type, 'publish_success');
      sent += 5;
      if (sent % 100 === 0) await settle(10);
    }
    assert.equal(server.switchboard.connectionCount, healthy.length + 1, `after ${sent} events in ${Date.now() - started} ms, stalled subscribers are still connected`);
    const metrics = await fetch(`${server.httpUrl}/metrics`).then((r) => r.text());
    assert.match(metrics, /switchboard_disconnects_total\{reason="slow_consumer"\} 8\b/);
    for (const client of healthy) {
      await client.next(() => client.frames.filter((f) => f.type === 'data').length === sent, 20_000);
    }
    for (const client of stalled) {
      (client.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      assert.ok([4001, 1006].includes((await client.closed).code));
    }
    await Promise.all([...healthy, publisher].map((c) => c.close()));
    await server.close();
  });
});

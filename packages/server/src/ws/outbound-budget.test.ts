import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../log/logger.js';
import { TEST_KEY, startTestServer } from '../test-support/server.js';
import { OutboundBudget, type QueueHolder } from './outbound-budget.js';
import WebSocket from 'ws';
import { TestClient, settle } from '../test-support/ws-client.js';
import { eventually } from '../test-support/until.js';

const MIB = 1024 * 1024;

/** Stops reading: the server's queue for this socket can only grow. */
const stall = (client: TestClient): void => client.ws.pause();

describe('process-wide outbound budget (limits.sendBufferTotalBytes)', () => {
  it('cuts the stalled subscribers once the queued bytes of all sockets pass the budget, and the others keep receiving every event', async () => {
    // Per-socket limit out of reach: only the process-wide budget can cut.
    const server = await startTestServer({ limits: { sendBufferBytes: 256 * MIB, sendBufferTotalBytes: 2 * MIB, publishesPerSecond: 10_000 } });
    const stalled = await Promise.all(Array.from({ length: 8 }, () => TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY })));
    const healthy = await Promise.all(Array.from({ length: 3 }, () => TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY })));
    const publisher = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    try {
      for (const [i, client] of [...stalled, ...healthy].entries()) await client.subscribe(`s${i}`, '/default/flood', TEST_KEY);
      // The healthy subscribers count data frames instead of keeping them: the test process also runs
      // the server, and holding hundreds of MB of frames made it slow enough under CI load to time out.
      const received = healthy.map(() => 0);
      healthy.forEach((client, i) => {
        client.ws.removeAllListeners('message');
        client.ws.on('message', (data: WebSocket.RawData) => {
          if ((JSON.parse(data.toString()) as { type: string }).type === 'data') received[i]! += 1;
        });
      });
      stalled.forEach(stall);

      // 50 KB events (few frames, many bytes) until the budget cut every stalled subscriber
      // (the kernel takes a few MB per socket first).
      const event = JSON.stringify({ text: 'e'.repeat(50_000) });
      let sent = 0;
      const started = Date.now();
      const slowConsumerCuts = async (): Promise<number> => {
        const metrics = await fetch(`${server.httpUrl}/metrics`).then((r) => r.text());
        return Number(/switchboard_disconnects_total\{reason="slow_consumer"\} (\d+)/.exec(metrics)?.[1] ?? 0);
      };
      while (sent < 4_000) {
        publisher.send({ type: 'publish', id: `p${sent}`, channel: '/default/flood', events: [event, event, event, event, event], authorization: { 'x-api-key': TEST_KEY } });
        assert.equal((await publisher.reply(`p${sent}`, 20_000)).type, 'publish_success');
        sent += 5;
        if (sent % 50 === 0) {
          if ((await slowConsumerCuts()) === stalled.length) break;
          await settle(10);
        }
      }
      assert.equal(await slowConsumerCuts(), stalled.length, `after ${sent} events in ${Date.now() - started} ms, not every stalled subscriber was cut`);
      // A cut socket is closed with 4001, and destroyed 5 s later if it does not answer the close.
      await eventually(() => server.switchboard.connectionCount, (n) => n === healthy.length + 1, 'only the healthy subscribers and the publisher to stay connected', 15_000);
      await eventually(() => received, (counts) => counts.every((n) => n === sent), `every healthy subscriber to receive all ${sent} events`, 30_000);
      for (const client of stalled) {
        client.ws.resume();
        assert.ok([4001, 1006].includes((await client.closed).code));
      }
    } finally {
      stalled.forEach((c) => c.ws.terminate());
      await Promise.all([...healthy, publisher].map((c) => c.close()));
      await server.close();
    }
  });

  it('reports what is queued now (the metrics gauge), not what was queued at its last check', () => {
    const budget = new OutboundBudget(MIB, createLogger({ level: 'silent' }));
    const holder = (bufferedAmount: number): QueueHolder & { bufferedAmount: number } => ({ bufferedAmount, enqueuedBytes: bufferedAmount, cutSlowConsumer: () => undefined });
    const a = holder(300);
    const b = holder(700);
    budget.track(a);
    budget.track(b);
    assert.equal(budget.queuedBytes, 1000);
    a.bufferedAmount = 0;
    assert.equal(budget.queuedBytes, 700);
    budget.untrack(b);
    assert.equal(budget.queuedBytes, 0);
  });
});

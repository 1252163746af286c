import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVICE_BROKERS, brokerUp, healthStatus, nodeBehindProxy, until } from '../test-support/broker-outage.js';
import { TEST_KEY } from '../test-support/server.js';

/** The documented bound with the default probe settings: `probeIntervalMs` + `probeTimeoutMs`. */
const DETECTION_BOUND_MS = 1000 + 1500;
/** Room for a loaded test machine (timers and requests run late). */
const SLACK_MS = 1500;

describe('a network partition between a node and its broker (the link stays open, nothing arrives)', () => {
  for (const broker of SERVICE_BROKERS) {
    it(`${broker.name}: /healthz and switchboard_broker_up report it within the probe bound; after it heals, publishes are delivered again`, async (t) => {
      const node = await nodeBehindProxy(t, broker);
      if (node === undefined) return;
      const { proxy, server, client: subscriber } = node;
      assert.equal((await subscriber.subscribe('s', '/default/a', TEST_KEY)).type, 'subscribe_success');
      const publish = (n: number): Promise<Response> =>
        fetch(`${server.httpUrl}/event`, { method: 'POST', headers: { 'x-api-key': TEST_KEY }, body: JSON.stringify({ channel: '/default/a', events: [String(n)] }) });
      assert.equal((await publish(1)).status, 200);
      await subscriber.next((f) => f['id'] === 's' && f['event'] === '1');
      assert.equal(await healthStatus(server), 200);
      assert.equal(await brokerUp(server), 1);

      proxy.stall();
      const stalledAt = Date.now();
      await until(async () => (await healthStatus(server)) === 503 && (await brokerUp(server)) === 0, '/healthz 503 and switchboard_broker_up 0', DETECTION_BOUND_MS + SLACK_MS);
      const detectedMs = Date.now() - stalledAt;
      assert.equal((await publish(2)).status, 503, 'a publish is refused while the node reports the broker down');

      proxy.restore();
      await until(async () => (await healthStatus(server)) === 200 && (await brokerUp(server)) === 1, 'recovery after the partition heals', 15_000);
      assert.equal((await publish(3)).status, 200);
      await subscriber.next((f) => f['id'] === 's' && f['event'] === '3', 5000);
      t.diagnostic(`partition reported after ${detectedMs} ms (bound ${DETECTION_BOUND_MS} ms)`);
    });
  }
});

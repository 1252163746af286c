import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVICE_BROKERS, uniquePrefix } from '../test-support/broker-outage.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { serviceAvailable } from '../test-support/services.js';
import { TestClient } from '../test-support/ws-client.js';

/** The publisher sends 40 publishes in well under a second. */
const limits = { publishesPerSecond: 1000 };

describe('a node restarts in the middle of traffic', () => {
  for (const service of SERVICE_BROKERS) {
    const broker = { ...service, make: (prefix: string) => service.make(service.url, prefix) };
    it(`${broker.name}: the other node's subscribers miss nothing; the restarted node's clients reconnect and receive again`, async (t) => {
      const up = await serviceAvailable(broker.name, broker.url);
      if (!up.ok) return t.skip(up.reason);
      const prefix = uniquePrefix('restart');
      const nodeA: TestServer = await startTestServer({ limits }, { broker: await broker.make(prefix) });
      let nodeB: TestServer = await startTestServer({ limits }, { broker: await broker.make(prefix) });
      const steady = await TestClient.connect(nodeA.realtimeUrl, { apiKey: TEST_KEY });
      let moving = await TestClient.connect(nodeB.realtimeUrl, { apiKey: TEST_KEY });
      const publisher = await TestClient.connect(nodeA.realtimeUrl, { apiKey: TEST_KEY });
      t.after(async () => {
        await Promise.all([steady.close(), moving.close(), publisher.close()]);
        await Promise.all([nodeA.close(), nodeB.close()]);
      });
      await steady.subscribe('s', '/default/*', TEST_KEY);
      await moving.subscribe('m', '/default/*', TEST_KEY);

      let n = 0;
      const publishSome = async (count: number): Promise<void> => {
        for (let i = 0; i < count; i++, n++) {
          assert.equal((await publisher.publish(`p${n}`, '/default/feed', [n], TEST_KEY)).type, 'publish_success');
        }
      };
      await publishSome(10);
      const restart = (async () => {
        await nodeB.close();
        nodeB = await startTestServer({ limits, server: { host: '127.0.0.1', port: nodeB.port } }, { broker: await broker.make(prefix) });
      })();
      await publishSome(20); // traffic continues while node B goes down and comes back
      await restart;
      assert.equal((await moving.closed).code, 1001, 'clients of the stopping node are told to reconnect');
      moving = await TestClient.connect(nodeB.realtimeUrl, { apiKey: TEST_KEY });
      await moving.subscribe('m', '/default/*', TEST_KEY); // the same id again, as Amplify does after a reconnect
      const resumedAt = n;
      await publishSome(10);
      await steady.next((f) => f['event'] === String(n - 1));
      await moving.next((f) => f['event'] === String(n - 1));
      assert.deepEqual(steady.data('s'), Array.from({ length: n }, (_, i) => i), 'the steady subscriber got every event once, in order');
      assert.deepEqual(moving.data('m'), Array.from({ length: n - resumedAt }, (_, i) => resumedAt + i), 'after reconnecting, every new event arrives once, in order');
    });
  }
});

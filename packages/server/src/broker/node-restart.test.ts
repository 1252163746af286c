import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { createLogger } from '../log/logger.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { NATS_URL, REDIS_URL, serviceAvailable } from '../test-support/services.js';
import { TestClient } from '../test-support/ws-client.js';
import type { Broker } from './types.js';

const log = createLogger({ level: 'silent' });
/** The publisher sends 40 publishes in well under a second. */
const limits = { publishesPerSecond: 1000 };

const BROKERS: { name: string; url: string; make: (prefix: string) => Promise<Broker> }[] = [
  { name: 'Redis', url: REDIS_URL, make: async (prefix) => new (await import('./redis.js')).RedisBroker({ url: REDIS_URL, prefix, log }) },
  { name: 'NATS', url: NATS_URL, make: async (prefix) => new (await import('./nats.js')).NatsBroker({ url: NATS_URL, prefix, log }) },
];

describe('a node restarts in the middle of traffic', () => {
  for (const broker of BROKERS) {
    it(`${broker.name}: the other node's subscribers miss nothing; the restarted node's clients reconnect and receive again`, async (t) => {
      const up = await serviceAvailable(broker.name, broker.url);
      if (!up.ok) return t.skip(up.reason);
      const prefix = `restart${randomUUID().slice(0, 8)}`;
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

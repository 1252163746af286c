import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { SERVICE_BROKERS, healthStatus, uniquePrefix, until, type ServiceBroker } from '../test-support/broker-outage.js';
import { HISTORY_NAMESPACES, dropServiceHistory, lastPosition, publishEach, seamRace, serviceHistoryStore, subscribeSince } from '../test-support/history.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { serviceAvailable } from '../test-support/services.js';
import { TcpProxy } from '../test-support/tcp-proxy.js';
import { TestClient, settle } from '../test-support/ws-client.js';

const limits = { publishesPerSecond: 10_000, pendingOperations: 10_000 };

/** A node on `broker` with its history store, both reached through `url`. */
async function historyNode(broker: ServiceBroker, url: string, prefix: string, port = 0): Promise<TestServer> {
  return startTestServer(
    { namespaces: HISTORY_NAMESPACES, limits, broker: brokerConfig(broker, url, prefix), server: { host: '127.0.0.1', port } },
    { broker: await broker.make(url, prefix), historyStore: await serviceHistoryStore(broker.name, url, prefix) },
  );
}

function brokerConfig(broker: ServiceBroker, url: string, prefix: string): { type: 'redis' | 'nats'; url: string; prefix: string } {
  return { type: broker.name === 'Redis' ? 'redis' : 'nats', url, prefix };
}

async function available(t: TestContext, broker: ServiceBroker): Promise<string | undefined> {
  const up = await serviceAvailable(broker.name, broker.url);
  if (!up.ok) {
    t.skip(up.reason);
    return undefined;
  }
  const prefix = uniquePrefix('histnode');
  t.after(() => dropServiceHistory(broker.name, broker.url, prefix));
  return prefix;
}

/** Two nodes of one cluster, the second reaching broker and store through a proxy; a publisher on the first, a subscriber on the second. */
async function cutOffPair(t: TestContext, broker: ServiceBroker) {
  const prefix = await available(t, broker);
  if (prefix === undefined) return undefined;
  const proxy = await TcpProxy.start(broker.url);
  const steady = await historyNode(broker, broker.url, prefix);
  const cut = await historyNode(broker, proxy.url(broker.url), prefix);
  const publisher = await TestClient.connect(steady.realtimeUrl, { apiKey: TEST_KEY });
  const subscriber = await TestClient.connect(cut.realtimeUrl, { apiKey: TEST_KEY });
  t.after(async () => {
    await Promise.all([publisher.close(), subscriber.close()]);
    await Promise.all([steady.close(), cut.close()]);
    await proxy.close();
  });
  return { proxy, cut, publisher, subscriber };
}

describe('history: node-side recovery and restarts on a real broker', () => {
  for (const broker of SERVICE_BROKERS) {
    it(`${broker.name}: a node cut off from its broker and store gives its subscribers every event published elsewhere meanwhile, once, in order`, async (t) => {
      const pair = await cutOffPair(t, broker);
      if (pair === undefined) return;
      const { proxy, cut, publisher, subscriber } = pair;
      await subscribeSince(subscriber, 'exact', '/hist/feed');
      await subscribeSince(subscriber, 'wild', '/hist/*');
      let n = 0;
      const publishSome = (count: number) => publishEach(publisher, '/hist/feed', Array.from({ length: count }, () => n++));
      await publishSome(10);
      proxy.cut();
      await until(async () => (await healthStatus(cut)) === 503, 'the cut node to report the outage');
      await publishSome(30); // published on the other node while this one is cut off
      proxy.restore();
      await until(async () => (await healthStatus(cut)) === 200, 'the node to be ready again', 15_000);
      await publishSome(10);
      const all = Array.from({ length: n }, (_, i) => i);
      await until(() => subscriber.data('exact').length >= n && subscriber.data('wild').length >= n, 'every event on the cut node', 15_000).catch(() => undefined);
      await settle(100);
      assert.deepEqual(subscriber.data('exact'), all, 'exact: every event once, in order');
      assert.deepEqual(subscriber.data('wild'), all, 'wildcard: every event once, in order');
      assert.equal((await Promise.race([subscriber.closed, settle(1).then(() => 'open')])), 'open', 'the subscriber stayed connected');
    });

    it(`${broker.name}: a client of a restarted node reconnects with its position and recovers what was published while it was down`, async (t) => {
      const prefix = await available(t, broker);
      if (prefix === undefined) return;
      const steady = await historyNode(broker, broker.url, prefix);
      let moving = await historyNode(broker, broker.url, prefix);
      const publisher = await TestClient.connect(steady.realtimeUrl, { apiKey: TEST_KEY });
      let client = await TestClient.connect(moving.realtimeUrl, { apiKey: TEST_KEY });
      t.after(async () => {
        await Promise.all([publisher.close(), client.close()]);
        await Promise.all([steady.close(), moving.close()]);
      });
      await subscribeSince(client, 's', '/hist/*');
      await publishEach(publisher, '/hist/r', [0, 1, 2]);
      await client.next((f) => f['id'] === 's' && f['event'] === '2');
      const position = lastPosition(client, 's');
      const port = moving.port;
      await moving.close();
      assert.equal((await client.closed).code, 1001);
      await publishEach(publisher, '/hist/r', [3, 4, 5, 6]);
      moving = await historyNode(broker, broker.url, prefix, port);
      client = await TestClient.connect(moving.realtimeUrl, { apiKey: TEST_KEY });
      const success = await subscribeSince(client, 's', '/hist/*', position);
      assert.equal(success['recovered'], true, JSON.stringify(success));
      await publishEach(publisher, '/hist/r', [7]);
      await client.next((f) => f['id'] === 's' && f['event'] === '7', 8000);
      assert.deepEqual(client.data('s'), [3, 4, 5, 6, 7]);
    });

    it(`${broker.name}: racing publishes on another node at the seam never duplicate or skip an event (many resubscribes)`, async (t) => {
      const prefix = await available(t, broker);
      if (prefix === undefined) return;
      const [a, b] = [await historyNode(broker, broker.url, prefix), await historyNode(broker, broker.url, prefix)];
      const racer = await TestClient.connect(a.realtimeUrl, { apiKey: TEST_KEY });
      const subscriber = await TestClient.connect(b.realtimeUrl, { apiKey: TEST_KEY });
      t.after(async () => {
        await Promise.all([racer.close(), subscriber.close()]);
        await Promise.all([a.close(), b.close()]);
      });
      await seamRace(subscriber, racer, 150);
    });

    it(`${broker.name}: a node cut off for longer than the namespace keeps events closes its subscribers with 4003, and they learn it on resume`, async (t) => {
      const pair = await cutOffPair(t, broker);
      if (pair === undefined) return;
      const { proxy, cut, publisher, subscriber } = pair;
      const position = (await subscribeSince(subscriber, 't', '/tiny/c'))['position'];
      proxy.cut();
      await until(async () => (await healthStatus(cut)) === 503, 'the cut node to report the outage');
      await publishEach(publisher, '/tiny/c', [1, 2, 3, 4, 5]); // tiny keeps 3
      proxy.restore();
      let timer: NodeJS.Timeout | undefined;
      const closed = await Promise.race([subscriber.closed, new Promise<{ code: number }>((resolve) => (timer = setTimeout(() => resolve({ code: 0 }), 15_000)))]);
      clearTimeout(timer);
      assert.equal(closed.code, 4003, 'closed with HistoryGap');
      const again = await TestClient.connect(cut.realtimeUrl, { apiKey: TEST_KEY });
      t.after(() => again.close());
      const success = await subscribeSince(again, 't', '/tiny/c', position);
      assert.equal((success['reason'] as { errorType: string } | undefined)?.errorType, 'HistoryExpired', JSON.stringify(success));
    });
  }
});

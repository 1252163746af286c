import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { SERVICE_BROKERS, healthStatus, nodeBehindProxy, serviceBroker, until, type ServiceBroker } from '../test-support/broker-outage.js';
import { TEST_KEY, type TestServer } from '../test-support/server.js';
import { REDIS_URL } from '../test-support/services.js';
import type { TcpProxy } from '../test-support/tcp-proxy.js';
import { TestClient, settle } from '../test-support/ws-client.js';

/** A node behind a proxy to its broker, with one client subscribed to the published channel twice (exact and wildcard). */
async function subscribedNode(t: TestContext, broker: ServiceBroker): Promise<{ proxy: TcpProxy; server: TestServer; subscriber: TestClient } | undefined> {
  const node = await nodeBehindProxy(t, broker);
  if (node === undefined) return undefined;
  assert.equal((await node.client.subscribe('exact', '/default/feed', TEST_KEY)).type, 'subscribe_success');
  assert.equal((await node.client.subscribe('wild', '/default/*', TEST_KEY)).type, 'subscribe_success');
  return { proxy: node.proxy, server: node.server, subscriber: node.client };
}

/**
 * Publishes `0, 1, 2, ...` over HTTP, one after the other, until `stop()`. Each publish is
 * acknowledged (200) or refused (503, `ServiceUnavailableException`); nothing else is acceptable.
 */
function publishContinuously(server: TestServer): { acked: number[]; refused: () => number; stop: () => Promise<void> } {
  const acked: number[] = [];
  let refused = 0;
  let stopped = false;
  const loop = (async () => {
    for (let n = 0; !stopped; n++) {
      const res = await fetch(`${server.httpUrl}/event`, {
        method: 'POST',
        headers: { 'x-api-key': TEST_KEY },
        body: JSON.stringify({ channel: '/default/feed', events: [JSON.stringify(n)] }),
      });
      const body = (await res.json()) as { errors?: { errorType: string }[] };
      if (res.status === 200) acked.push(n);
      else {
        assert.equal(res.status, 503, JSON.stringify(body));
        assert.equal(body.errors?.[0]?.errorType, 'ServiceUnavailableException');
        refused++;
        await settle(2);
      }
    }
  })();
  return {
    acked,
    refused: () => refused,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** Waits (a bounded time) for every acknowledged event on both subscriptions, then asserts none is missing. */
async function assertEveryAckedEventDelivered(subscriber: TestClient, acked: readonly number[]): Promise<void> {
  const missing = (id: string): number[] => {
    const got = new Set(subscriber.data(id) as number[]);
    return acked.filter((n) => !got.has(n));
  };
  await until(() => missing('exact').length === 0 && missing('wild').length === 0, 'every acknowledged event', 5000).catch(() => undefined);
  for (const id of ['exact', 'wild']) {
    const lost = missing(id);
    assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged events never reached the node's own subscription "${id}"`);
  }
}

describe('acknowledged publishes across a broker outage', () => {
  for (const broker of SERVICE_BROKERS) {
    it(`${broker.name}: every event acknowledged while the link drops and comes back reaches the node's own subscribers`, async (t) => {
      const node = await subscribedNode(t, broker);
      if (node === undefined) return;
      const { proxy, server, subscriber } = node;
      const publisher = publishContinuously(server);
      // The publishing and subscribing links reconnect on their own schedules; several outages
      // give the race between them several chances to show.
      for (let outage = 0; outage < 4; outage++) {
        const before = publisher.acked.length;
        await until(() => publisher.acked.length >= before + 20, 'publishes acknowledged before the outage');
        proxy.cut();
        await until(async () => (await healthStatus(server)) === 503, '/healthz to report the outage');
        await settle(600 + 300 * outage);
        proxy.restore();
        await until(async () => (await healthStatus(server)) === 200, '/healthz to report the recovery', 15_000);
        const recovered = publisher.acked.length;
        await until(() => publisher.acked.length >= recovered + 20, 'publishes acknowledged after the recovery');
      }
      await publisher.stop();
      assert.ok(publisher.refused() > 0, 'publishes were refused during the outages');
      await assertEveryAckedEventDelivered(subscriber, publisher.acked);
    });
  }

  it('Redis: every event acknowledged while only the subscribing connection drops reaches the node\'s own subscribers', async (t) => {
    const node = await subscribedNode(t, serviceBroker('Redis'));
    if (node === undefined) return;
    const { proxy, server, subscriber } = node;
    const admin = new Redis(REDIS_URL);
    t.after(() => admin.quit());
    const publisher = publishContinuously(server);
    await until(() => publisher.acked.length >= 20, 'publishes acknowledged before the drop');
    // Redis lists the proxy's connections under the proxy's local ports; the subscriber one is of type pubsub.
    const ports = new Set(proxy.upstreamPorts());
    const listing = (await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
    const ours = listing.split('\n').filter((line) => ports.has(Number(/ addr=[^ ]*:(\d+) /.exec(line)?.[1])));
    assert.equal(ours.length, 1, 'one subscribing connection of the node');
    await admin.call('CLIENT', 'KILL', 'ID', /^id=(\d+)/.exec(ours[0]!)![1]!);
    const killed = publisher.acked.length;
    await settle(300);
    await until(async () => (await healthStatus(server)) === 200, 'the node to be ready again');
    await until(() => publisher.acked.length >= killed + 50, 'publishes acknowledged after the drop');
    await publisher.stop();
    await assertEveryAckedEventDelivered(subscriber, publisher.acked);
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import type { LinkedCluster } from '../broker/contract.js';
import { DEFAULT_PROBE } from '../broker/link-probe.js';
import type { Broker } from '../broker/types.js';
import { createLogger } from '../log/logger.js';
import { TEST_KEY, startTestServer, type TestServer } from './server.js';
import { NATS_URL, REDIS_URL, serviceAvailable } from './services.js';
import { TcpProxy } from './tcp-proxy.js';
import { TestClient } from './ws-client.js';

/** A broker that runs on a real service, made for a URL (the service's, or a proxy's in front of it). */
export interface ServiceBroker {
  readonly name: 'Redis' | 'NATS';
  /** The real service. */
  readonly url: string;
  make(url: string, prefix: string): Promise<Broker>;
}

const silent = createLogger({ level: 'silent' });

/** Redis and NATS, for tests that run the same case on both. */
export const SERVICE_BROKERS: readonly ServiceBroker[] = [
  { name: 'Redis', url: REDIS_URL, make: async (url, prefix) => new (await import('../broker/redis.js')).RedisBroker({ url, prefix, log: silent }) },
  { name: 'NATS', url: NATS_URL, make: async (url, prefix) => new (await import('../broker/nats.js')).NatsBroker({ url, prefix, log: silent }) },
];

/** The entry of `SERVICE_BROKERS` named `name`. */
export function serviceBroker(name: ServiceBroker['name']): ServiceBroker {
  return SERVICE_BROKERS.find((b) => b.name === name)!;
}

/** For `brokerContract`: `n` nodes of one cluster, the first behind a `TcpProxy`, with the default probe settings. */
export async function linkedCluster(broker: ServiceBroker, n: number): Promise<LinkedCluster> {
  const proxy = await TcpProxy.start(broker.url);
  const prefix = uniquePrefix('link');
  const nodes = [await broker.make(proxy.url(broker.url), prefix)];
  for (let i = 1; i < n; i++) nodes.push(await broker.make(broker.url, prefix));
  return { nodes, link: proxy, detectionBoundMs: DEFAULT_PROBE.intervalMs + DEFAULT_PROBE.timeoutMs };
}

/**
 * A Switchboard node whose broker link goes through a `TcpProxy`, with one connected client;
 * everything is closed after the test. Undefined (the test skipped, saying why) when the service is down.
 */
export async function nodeBehindProxy(t: TestContext, broker: ServiceBroker): Promise<{ proxy: TcpProxy; server: TestServer; client: TestClient } | undefined> {
  const up = await serviceAvailable(broker.name, broker.url);
  if (!up.ok) return void t.skip(up.reason);
  const proxy = await TcpProxy.start(broker.url);
  const server = await startTestServer({}, { broker: await broker.make(proxy.url(broker.url), uniquePrefix('node')) });
  const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
  t.after(async () => {
    await client.close();
    await server.close();
    await proxy.close();
  });
  return { proxy, server, client };
}

export { until } from './until.js';

/** A Redis key prefix or NATS subject token of its own, so concurrent runs never meet. */
export const uniquePrefix = (label: string): string => `${label}${randomUUID().slice(0, 8)}`;

/** The status code of `GET /healthz`. */
export async function healthStatus(server: TestServer): Promise<number> {
  return (await fetch(`${server.httpUrl}/healthz`)).status;
}

/** The value of `switchboard_broker_up` in `GET /metrics`. */
export async function brokerUp(server: TestServer): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('switchboard_broker_up{'));
  assert.ok(line, 'switchboard_broker_up is exported');
  return Number(line.split(' ').at(-1));
}

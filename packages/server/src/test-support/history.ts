import type { ConfigInput } from '../config/schema.js';
import { TEST_KEY } from './server.js';
import assert from 'node:assert/strict';
import { settle, type Frame, type TestClient } from './ws-client.js';

/** Namespaces for history tests: `hist` keeps 1000 events for a minute, `tiny` 3, `default` none. */
export const HISTORY_NAMESPACES: NonNullable<ConfigInput['namespaces']> = [
  { name: 'default' },
  { name: 'hist', history: { size: 1000, ttlMs: 60_000 } },
  { name: 'tiny', history: { size: 3, ttlMs: 60_000 } },
];

/** Sends a `subscribe` (with `since` when given) and resolves with its answer. */
export function subscribeSince(client: TestClient, id: string, channel: string, since?: unknown): Promise<Frame> {
  client.send({ type: 'subscribe', id, channel, authorization: { 'x-api-key': TEST_KEY }, ...(since === undefined ? {} : { since }) });
  return client.reply(id, 8000);
}

/** The `data` frames of subscription `id`, in order. */
export function dataFrames(client: TestClient, id: string): Frame[] {
  return client.frames.filter((f) => f.type === 'data' && f['id'] === id);
}

/** The position a subscription would resume from: its last data frame's, else its `subscribe_success`'s, else `fallback`. */
export function lastPosition(client: TestClient, id: string, fallback?: unknown): unknown {
  const data = dataFrames(client, id);
  if (data.length > 0) return data[data.length - 1]!['position'];
  const success = client.frames.find((f) => f.type === 'subscribe_success' && f['id'] === id);
  return success?.['recovered'] === true ? fallback : (success?.['position'] ?? fallback);
}

/** Publishes `values` one by one over WebSocket, each acknowledged. */
export async function publishEach(client: TestClient, channel: string, values: unknown[], idPrefix = 'p'): Promise<void> {
  for (const [i, value] of values.entries()) {
    const reply = await client.publish(`${idPrefix}${i}-${Math.random().toString(36).slice(2, 8)}`, channel, [value], TEST_KEY);
    if (reply.type !== 'publish_success') throw new Error(`publish failed: ${JSON.stringify(reply)}`);
  }
}

/** A history store on a real service (Redis Streams, JetStream) for `url` (the service's, or a proxy's). */
export async function serviceHistoryStore(name: 'Redis' | 'NATS', url: string, prefix: string): Promise<import('../history/types.js').HistoryStore> {
  const { createLogger } = await import('../log/logger.js');
  const { historyRetention } = await import('../history/create.js');
  const { parseConfig } = await import('../config/load.js');
  const retention = historyRetention(parseConfig({ auth: { apiKeys: [{ key: TEST_KEY }] }, namespaces: HISTORY_NAMESPACES }, 'test'));
  const log = createLogger({ level: 'silent' });
  if (name === 'Redis') return new (await import('../history/redis.js')).RedisHistoryStore({ url, prefix, retention, log });
  return new (await import('../history/jetstream.js')).JetStreamHistoryStore({ url, prefix, retention, log });
}

/** Deletes what a test's history store left on its service (Redis keys, JetStream streams) under `prefix`. */
export async function dropServiceHistory(name: 'Redis' | 'NATS', url: string, prefix: string): Promise<void> {
  if (name === 'Redis') {
    const { Redis } = await import('ioredis');
    const admin = new Redis(url);
    const keys = await admin.keys(`${prefix}:*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
    return;
  }
  const { connect } = await import('nats');
  const nc = await connect({ servers: new URL(url).host });
  const jsm = await nc.jetstreamManager();
  for (const ns of HISTORY_NAMESPACES) await jsm.streams.delete(`${prefix}-history-${ns.name}`).catch(() => undefined);
  await nc.close();
}

/**
 * The seam race: `racer` publishes 0..total-1 on `/hist/race` without waiting, while `subscriber`
 * subscribes with its last position, unsubscribes, and again, over and over. Every event must
 * arrive exactly once, in order, across all those subscriptions.
 */
export async function seamRace(subscriber: TestClient, racer: TestClient, total: number): Promise<void> {
  // Where the race starts: the position before the first publish.
  let since = (await subscribeSince(subscriber, 'start', '/hist/race'))['position'];
  let sent = 0;
  const publishing = (async () => {
    for (; sent < total; sent++) {
      racer.send({ type: 'publish', id: `r${sent}`, channel: '/hist/race', events: [JSON.stringify(sent)], authorization: { 'x-api-key': TEST_KEY } });
      if (sent % 4 === 3) await settle(1);
    }
  })();
  const got: number[] = [];
  for (let round = 0; sent < total || got.length < total; round++) {
    const id = `seam${round}`;
    const success = await subscribeSince(subscriber, id, '/hist/race', since);
    assert.equal(success['recovered'], true, JSON.stringify(success));
    await settle(round % 3);
    await unsubscribe(subscriber, id);
    got.push(...(subscriber.data(id) as number[]));
    since = lastPosition(subscriber, id, since);
    const missing = () => Array.from({ length: total }, (_, i) => i).filter((i) => !got.includes(i));
    assert.ok(round < 3000, `the race ends (sent ${sent}, received ${got.length}, missing ${missing().slice(0, 10)}, since ${String(since)}, publish errors ${JSON.stringify(racer.frames.filter((f) => f.type === 'publish_error').slice(0, 2))})`);
  }
  await publishing;
  await until(() => racer.frames.filter((f) => f.type !== 'ka' && f.type !== 'connection_ack').length >= total);
  assert.deepEqual(racer.frames.filter((f) => f.type === 'publish_error'), [], 'every publish acknowledged');
  assert.deepEqual(got, Array.from({ length: total }, (_, i) => i));
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await settle(10);
}

/** Sends `unsubscribe` and waits for its `unsubscribe_success`: every data frame of `id` has arrived then. */
export async function unsubscribe(client: TestClient, id: string): Promise<void> {
  client.send({ type: 'unsubscribe', id });
  await client.next((f) => f.type === 'unsubscribe_success' && f['id'] === id, 8000);
}

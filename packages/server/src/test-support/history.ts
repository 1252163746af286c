import type { ConfigInput } from '../config/schema.js';
import { TEST_KEY } from './server.js';
import type { Frame, TestClient } from './ws-client.js';

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

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChannel } from '@switchboard/protocol';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLogger } from '../log/logger.js';
import { REDIS_URL, serviceAvailable } from '../test-support/services.js';
import { destinationContract } from './contract.js';
import { forwardingSuite, type Envelope } from './forward-suite.js';
import { RedisStreamDestination } from './redis-stream.js';
import type { Destination } from './types.js';

const redis = await serviceAvailable('Redis', REDIS_URL);
const silent = createLogger({ level: 'silent' });

/** Stream keys under a prefix no other run uses; deleted afterwards. */
function streams() {
  const prefix = `sbtest-fwd-${randomBytes(6).toString('hex')}`;
  const client = new Redis(REDIS_URL, { lazyConnect: true });
  const read = async (key: string): Promise<[string, string][]> =>
    (await client.xrange(key, '-', '+')).map(([, fields]) => {
      const map = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
      return [map.get('channel') ?? '', map.get('event') ?? ''];
    });
  const close = async (): Promise<void> => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  };
  return { prefix, client, read, close };
}

destinationContract('REDIS_STREAM', redis, async () => {
  const s = streams();
  await s.client.connect();
  return {
    serviceUrl: REDIS_URL,
    make: (url) => new RedisStreamDestination({ name: 'contract', type: 'REDIS_STREAM', guarantee: 'required', timeoutMs: 2000, url, stream: `${s.prefix}:{namespace}`, maxLen: 1000, approximate: true, queue: { maxEvents: 1, maxBytes: 1, overflow: 'reject' }, retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 } }, silent),
    bodies: async () => (await s.read(`${s.prefix}:contract`)).map(([, body]) => body),
    close: s.close,
  };
});

forwardingSuite('Redis Streams', redis, async () => {
  const s = streams();
  await s.client.connect();
  return {
    serviceUrl: REDIS_URL,
    destination: (url) => ({ type: 'REDIS_STREAM', url, stream: `${s.prefix}:{namespace}`, maxLen: 1000 }),
    address: (channel) => `${s.prefix}:${channel.split('/')[1]}`,
    received: async () => {
      const all = [];
      for (const ns of ['default', 'chat', 'quiet']) {
        for (const [, body] of await s.read(`${s.prefix}:${ns}`)) all.push({ address: `${s.prefix}:${ns}`, envelope: JSON.parse(body) as Envelope });
      }
      return all;
    },
    close: s.close,
  };
});

describe('Redis Streams destination', { skip: redis.ok ? false : redis.reason }, () => {
  it('trims the stream to maxLen', async () => {
    const s = streams();
    await s.client.connect();
    const destination: Destination = new RedisStreamDestination({ name: 'trim', type: 'REDIS_STREAM', guarantee: 'required', timeoutMs: 2000, url: REDIS_URL, stream: `${s.prefix}:{namespace}`, maxLen: 5, approximate: false, queue: { maxEvents: 1, maxBytes: 1, overflow: 'reject' }, retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 } }, silent);
    try {
      await destination.start();
      while (!destination.connected) await new Promise((r) => setTimeout(r, 10));
      const channel = parseChannel('/trim/a', { allowWildcard: false });
      const batch = Array.from({ length: 12 }, (_, i) => ({ id: `t${i}`, channel, body: JSON.stringify({ i }) }));
      assert.deepEqual(await destination.send(batch, new AbortController().signal), { failed: [] });
      const kept = await s.read(`${s.prefix}:trim`);
      assert.deepEqual(kept.map(([, body]) => JSON.parse(body).i), [7, 8, 9, 10, 11]);
    } finally {
      await destination.close();
      await s.close();
    }
  });
});

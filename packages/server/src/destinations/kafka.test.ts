import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { parseChannel } from '@switchboard/protocol';
import { createLogger } from '../log/logger.js';
import { postEvents } from '../test-support/http-publish.js';
import { startTestServer } from '../test-support/server.js';
import { DestinationError } from './types.js';
import { KafkaDestination } from './kafka.js';

// No Kafka broker runs on the development machine or in CI, so delivery to Kafka is not tested
// here: these tests cover the mapping of events to produce messages and the refusals while no
// broker answers (a real kafkajs client against a closed port).

const silent = createLogger({ level: 'silent' });
const config = { name: 'k', type: 'KAFKA', guarantee: 'required', timeoutMs: 2000, topic: 'events.{namespace}', clientId: 'switchboard', ssl: false, queue: { maxEvents: 1, maxBytes: 1, overflow: 'reject' }, retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 } } as const;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Kafka destination (no broker here)', () => {
  it('maps events to messages keyed by channel, grouped by topic in batch order', () => {
    const destination = new KafkaDestination({ ...config, brokers: ['127.0.0.1:9'], topic: 'sb.{namespace}.{1}' }, silent);
    const at = (path: string) => parseChannel(path, { allowWildcard: false });
    const { topics, failed } = destination.messages([
      { id: 'a', channel: at('/orders/eu/1'), body: '{"n":1}' },
      { id: 'b', channel: at('/orders/us'), body: '{"n":2}' },
      { id: 'c', channel: at('/orders'), body: '{"n":3}' },
      { id: 'd', channel: at('/orders/eu/2'), body: '{"n":4}' },
    ]);
    assert.deepEqual(
      [...topics].map(([topic, messages]) => [topic, messages.map((m) => [m.key, m.value, m.headers?.['switchboard-id']])]),
      [
        ['sb.orders.eu', [['/orders/eu/1', '{"n":1}', 'a'], ['/orders/eu/2', '{"n":4}', 'd']]],
        ['sb.orders.us', [['/orders/us', '{"n":2}', 'b']]],
      ],
    );
    assert.deepEqual(failed.map((f) => [f.index, f.code, f.retryable]), [[2, 'TemplateError', false]]);
  });

  it('rejects at once, retryably, while no broker answers', async () => {
    const destination = new KafkaDestination({ ...config, brokers: [`127.0.0.1:${await closedPort()}`] }, silent);
    await destination.start();
    try {
      assert.equal(destination.connected, false);
      const started = Date.now();
      await assert.rejects(destination.send([{ id: 'x', channel: parseChannel('/a/b', { allowWildcard: false }), body: '1' }]), (err: unknown) => {
        assert.ok(err instanceof DestinationError);
        assert.deepEqual([err.code, err.retryable], ['Unavailable', true]);
        return true;
      });
      assert.ok(Date.now() - started < 100);
    } finally {
      await destination.close();
    }
  });

  it('fails a publish to a namespace with a required Kafka destination, and /healthz names it', async () => {
    const server = await startTestServer({
      destinations: [{ name: 'kafka', type: 'KAFKA', guarantee: 'required', brokers: [`127.0.0.1:${await closedPort()}`], topic: 'events' }],
      namespaces: [{ name: 'default', forward: ['kafka'] }],
    });
    try {
      const health = await fetch(`${server.httpUrl}/healthz`);
      assert.deepEqual([health.status, await health.json()], [503, { status: 'destination unavailable', destinations: ['kafka'] }]);
      const reply = await postEvents(server.httpUrl, '/default/a', [1]);
      assert.deepEqual(reply.successful, []);
      assert.deepEqual(reply.failed.map((f) => f.code), ['ServiceUnavailableException']);
      assert.match(reply.failed[0]!.message, /^Not forwarded to kafka \(Unavailable\)/);
    } finally {
      await server.close();
    }
  });
});

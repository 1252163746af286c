import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connect, type ChannelModel, type Channel, type ConsumeMessage } from 'amqplib';
import { parseChannel } from '@switchboard/protocol';
import { createLogger } from '../log/logger.js';
import { AMQP_URL, serviceAvailable } from '../test-support/services.js';
import { destinationContract } from './contract.js';
import { forwardingSuite, type Envelope } from './forward-suite.js';
import { RabbitMqDestination } from './rabbitmq.js';
import type { Destination } from './types.js';

const rabbit = await serviceAvailable('RabbitMQ', AMQP_URL);
const silent = createLogger({ level: 'silent' });
const defaults = { guarantee: 'required', timeoutMs: 2000, persistent: false, mandatory: true, queue: { maxEvents: 1, maxBytes: 1, overflow: 'reject' }, retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 } } as const;

/** A topic exchange and a queue bound to all of it, both named for this run only and deleted afterwards. */
async function exchange(): Promise<{ name: string; messages: ConsumeMessage[]; close(): Promise<void> }> {
  const name = `sbtest-fwd-${randomBytes(6).toString('hex')}`;
  const model: ChannelModel = await connect(AMQP_URL);
  const channel: Channel = await model.createChannel();
  await channel.assertExchange(name, 'topic', { durable: false, autoDelete: false });
  const { queue } = await channel.assertQueue('', { exclusive: true, durable: false });
  await channel.bindQueue(queue, name, '#');
  const messages: ConsumeMessage[] = [];
  await channel.consume(queue, (m) => m && messages.push(m), { noAck: true });
  return {
    name,
    messages,
    close: async () => {
      await channel.deleteExchange(name);
      await model.close();
    },
  };
}

destinationContract('RABBITMQ', rabbit, async () => {
  const ex = await exchange();
  return {
    serviceUrl: AMQP_URL,
    make: (url) => new RabbitMqDestination({ ...defaults, name: 'contract', type: 'RABBITMQ', url, exchange: ex.name, routingKey: '{channel}' }, silent),
    bodies: async () => ex.messages.map((m) => m.content.toString('utf8')),
    close: ex.close,
  };
});

forwardingSuite('RabbitMQ', rabbit, async () => {
  const ex = await exchange();
  return {
    serviceUrl: AMQP_URL,
    destination: (url) => ({ type: 'RABBITMQ', url, exchange: ex.name }),
    address: (channel) => channel.slice(1).replaceAll('/', '.'),
    received: async () => ex.messages.map((m) => ({ address: m.fields.routingKey, envelope: JSON.parse(m.content.toString('utf8')) as Envelope })),
    close: ex.close,
  };
});

describe('RabbitMQ destination', { skip: rabbit.ok ? false : rabbit.reason }, () => {
  let ex: Awaited<ReturnType<typeof exchange>>;
  before(async () => (ex = await exchange()));
  after(() => ex.close());

  async function started(config: Partial<typeof defaults> & { exchange: string; routingKey: string }): Promise<Destination> {
    const destination = new RabbitMqDestination({ ...defaults, name: 'unit', type: 'RABBITMQ', url: AMQP_URL, ...config }, silent);
    await destination.start();
    while (!destination.connected) await new Promise((r) => setTimeout(r, 10));
    return destination;
  }
  const channel = parseChannel('/orders/eu/42', { allowWildcard: false });
  const never = new AbortController().signal;

  it('publishes with the event id as message id, JSON content type and the channel header', async () => {
    const destination = await started({ exchange: ex.name, routingKey: 'sb.{namespace}.{path}' });
    try {
      assert.deepEqual(await destination.send([{ id: 'm1', channel, body: '{"x":1}' }], never), { failed: [] });
      while (!ex.messages.some((m) => m.properties.messageId === 'm1')) await new Promise((r) => setTimeout(r, 10));
      const message = ex.messages.find((m) => m.properties.messageId === 'm1')!;
      assert.equal(message.fields.routingKey, 'sb.orders.eu.42');
      assert.equal(message.properties.contentType, 'application/json');
      assert.equal(message.properties.headers?.['x-switchboard-channel'], '/orders/eu/42');
    } finally {
      await destination.close();
    }
  });

  it('refuses a message no queue takes as Unroutable, not retryable, and confirms the rest', async () => {
    const lonely = `sbtest-fwd-lonely-${randomBytes(4).toString('hex')}`;
    const model = await connect(AMQP_URL);
    const admin = await model.createChannel();
    await admin.assertExchange(lonely, 'direct', { durable: false, autoDelete: false });
    const { queue } = await admin.assertQueue('', { exclusive: true });
    await admin.bindQueue(queue, lonely, 'orders');
    const destination = await started({ exchange: lonely, routingKey: '{1}' });
    try {
      const other = parseChannel('/orders/orders', { allowWildcard: false });
      const result = await destination.send([{ id: 'u1', channel, body: '1' }, { id: 'u2', channel: other, body: '2' }], never);
      assert.deepEqual(result.failed.map((f) => [f.index, f.code, f.retryable]), [[0, 'Unroutable', false]]);
    } finally {
      await destination.close();
      await admin.deleteExchange(lonely);
      await model.close();
    }
  });

  it('refuses every event retryably when the exchange does not exist, and recovers its channel', async () => {
    const destination = await started({ exchange: `sbtest-fwd-missing-${randomBytes(4).toString('hex')}`, routingKey: '{channel}' });
    try {
      const result = await destination.send([{ id: 'x1', channel, body: '1' }], never);
      assert.deepEqual(result.failed.map((f) => [f.index, f.code, f.retryable]), [[0, 'NotConfirmed', true]]);
      assert.match(result.failed[0]!.message, /channel closed/i);
      // RabbitMQ closed the channel (404); the destination opens a new one by itself.
      const deadline = Date.now() + 5000;
      while (!destination.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(destination.connected);
    } finally {
      await destination.close();
    }
  });
});

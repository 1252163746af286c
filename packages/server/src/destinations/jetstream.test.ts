import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { connect, StorageType, type JetStreamManager, type NatsConnection } from 'nats';
import { parseChannel } from '@switchboard/protocol';
import { createLogger } from '../log/logger.js';
import { NATS_URL, serviceAvailable } from '../test-support/services.js';
import { destinationContract } from './contract.js';
import { forwardingSuite, type Envelope } from './forward-suite.js';
import { JetStreamDestination } from './jetstream.js';
import type { Destination } from './types.js';

const nats = await serviceAvailable('NATS', NATS_URL);
const silent = createLogger({ level: 'silent' });
const defaults = { guarantee: 'required', timeoutMs: 2000, queue: { maxEvents: 1, maxBytes: 1, overflow: 'reject' }, retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 } } as const;

/** A memory stream capturing `<prefix>.>`, named for this run only and deleted afterwards. */
async function stream(): Promise<{ prefix: string; name: string; read(): Promise<{ subject: string; body: string; msgId: string | undefined }[]>; close(): Promise<void> }> {
  const prefix = `sbtest-fwd-${randomBytes(6).toString('hex')}`;
  const nc: NatsConnection = await connect({ servers: new URL(NATS_URL).host });
  const jsm: JetStreamManager = await nc.jetstreamManager();
  await jsm.streams.add({ name: prefix, subjects: [`${prefix}.>`], storage: StorageType.Memory });
  return {
    prefix,
    name: prefix,
    read: async () => {
      const info = await jsm.streams.info(prefix);
      const out = [];
      for (let seq = info.state.first_seq; seq > 0 && seq <= info.state.last_seq; seq++) {
        const m = await jsm.streams.getMessage(prefix, { seq });
        out.push({ subject: m.subject, body: new TextDecoder().decode(m.data), msgId: m.header?.get('Nats-Msg-Id') });
      }
      return out;
    },
    close: async () => {
      await jsm.streams.delete(prefix).catch(() => undefined);
      await nc.close();
    },
  };
}

destinationContract('NATS_JETSTREAM', nats, async () => {
  const s = await stream();
  return {
    serviceUrl: NATS_URL,
    make: (url) => new JetStreamDestination({ ...defaults, name: 'contract', type: 'NATS_JETSTREAM', url, subject: `${s.prefix}.{channel}` }, silent),
    bodies: async () => (await s.read()).map((m) => m.body),
    close: s.close,
  };
});

forwardingSuite('NATS JetStream', nats, async () => {
  const s = await stream();
  return {
    serviceUrl: NATS_URL,
    destination: (url) => ({ type: 'NATS_JETSTREAM', url, subject: `${s.prefix}.{channel}`, stream: s.name }),
    address: (channel) => `${s.prefix}${channel.replaceAll('/', '.')}`,
    received: async () => (await s.read()).map((m) => ({ address: m.subject, envelope: JSON.parse(m.body) as Envelope })),
    close: s.close,
  };
});

describe('NATS JetStream destination', { skip: nats.ok ? false : nats.reason }, () => {
  const channel = parseChannel('/orders/eu/42', { allowWildcard: false });
  const never = new AbortController().signal;

  async function started(subject: string, streamName?: string): Promise<Destination> {
    const destination = new JetStreamDestination({ ...defaults, name: 'unit', type: 'NATS_JETSTREAM', url: NATS_URL, subject, ...(streamName ? { stream: streamName } : {}) }, silent);
    await destination.start();
    while (!destination.connected) await new Promise((r) => setTimeout(r, 10));
    return destination;
  }

  it('stores a resent event once (the event id is the Nats-Msg-Id) and refuses a subject no stream captures', async () => {
    const s = await stream();
    const destination = await started(`${s.prefix}.{channel}`);
    const nowhere = await started(`sbtest-fwd-nowhere-${randomBytes(4).toString('hex')}.{channel}`);
    try {
      const event = { id: 'dup-1', channel, body: '{"a":1}' };
      assert.deepEqual(await destination.send([event], never), { failed: [] });
      assert.deepEqual(await destination.send([event], never), { failed: [] });
      const stored = await s.read();
      assert.deepEqual(stored.map((m) => [m.subject, m.msgId]), [[`${s.prefix}.orders.eu.42`, 'dup-1']]);
      const refused = await nowhere.send([event], never);
      assert.deepEqual(refused.failed.map((f) => [f.code, f.retryable]), [['NoStream', true]]);
    } finally {
      await Promise.all([destination.close(), nowhere.close()]);
      await s.close();
    }
  });

  it('refuses, not retryably, an ack from another stream than the one configured', async () => {
    const s = await stream();
    const destination = await started(`${s.prefix}.{channel}`, 'some-other-stream');
    try {
      const result = await destination.send([{ id: 'w1', channel, body: '1' }], never);
      assert.equal(result.failed.length, 1);
      assert.equal(result.failed[0]!.retryable, false);
      assert.match(result.failed[0]!.code, /^JetStream\d+$/);
    } finally {
      await destination.close();
      await s.close();
    }
  });
});

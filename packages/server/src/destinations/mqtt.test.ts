import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { connectAsync, type MqttClient } from 'mqtt';
import { createLogger } from '../log/logger.js';
import { MQTT_URL, serviceAvailable } from '../test-support/services.js';
import { parseConfig } from '../config/load.js';
import { destinationContract } from './contract.js';
import { forwardingSuite, type Envelope } from './forward-suite.js';
import { MqttDestination } from './mqtt.js';

const mosquitto = await serviceAvailable('Mosquitto', MQTT_URL);
const silent = createLogger({ level: 'silent' });

/** A subscriber at QoS 1 to `<prefix>/#`, a topic tree no other run uses. */
async function subscriber(): Promise<{ prefix: string; messages: { topic: string; body: string }[]; close(): Promise<void> }> {
  const prefix = `sbtest-fwd-${randomBytes(6).toString('hex')}`;
  const client: MqttClient = await connectAsync(MQTT_URL, { clientId: `${prefix}-reader`, reconnectPeriod: 0 });
  const messages: { topic: string; body: string }[] = [];
  client.on('message', (topic, payload) => messages.push({ topic, body: payload.toString('utf8') }));
  await client.subscribeAsync(`${prefix}/#`, { qos: 1 });
  return { prefix, messages, close: () => client.endAsync() };
}

destinationContract('MQTT', mosquitto, async () => {
  const sub = await subscriber();
  return {
    serviceUrl: MQTT_URL,
    make: (url) =>
      new MqttDestination(
        { name: 'contract', type: 'MQTT', guarantee: 'required', timeoutMs: 2000, url, topic: `${sub.prefix}/{channel}`, qos: 1, retain: false, queue: { maxEvents: 1, maxBytes: 1, overflow: 'reject' }, retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 } },
        silent,
      ),
    bodies: async () => sub.messages.map((m) => m.body),
    close: sub.close,
  };
});

forwardingSuite('Mosquitto (MQTT)', mosquitto, async () => {
  const sub = await subscriber();
  return {
    serviceUrl: MQTT_URL,
    destination: (url) => ({ type: 'MQTT', url, topic: `${sub.prefix}/{channel}` }),
    address: (channel) => `${sub.prefix}${channel}`,
    received: async () => sub.messages.map((m) => ({ address: m.topic, envelope: JSON.parse(m.body) as Envelope })),
    close: sub.close,
  };
});

describe('MQTT destination configuration', () => {
  it('refuses QoS 0 for a required destination: it is never confirmed', () => {
    assert.throws(
      () => parseConfig({ auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] }, namespaces: [{ name: 'a', forward: ['m'] }], destinations: [{ name: 'm', type: 'MQTT', guarantee: 'required', qos: 0 }] }, 'inline'),
      /destinations\[0\]\.qos: QoS 0 is never confirmed/,
    );
  });
});

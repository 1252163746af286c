import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from './load.js';

const base = { auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] } };
const rabbit = { name: 'q', type: 'RABBITMQ', exchange: 'orders' };

describe('destinations configuration', () => {
  it('fills the defaults of a destination and of its async queue', () => {
    const config = parseConfig({ ...base, namespaces: [{ name: 'a', forward: ['q'] }], destinations: [rabbit] }, 'inline');
    const [d] = config.destinations;
    assert.deepEqual(
      { guarantee: d!.guarantee, timeoutMs: d!.timeoutMs, queue: d!.queue, retry: d!.retry },
      { guarantee: 'async', timeoutMs: 5000, queue: { maxEvents: 10_000, maxBytes: 64 * 1024 * 1024, overflow: 'reject' }, retry: { maxAttempts: 20, initialDelayMs: 200, maxDelayMs: 30_000 } },
    );
    assert.equal(d!.type === 'RABBITMQ' && d!.routingKey, '{channel}');
    assert.ok(Object.isFrozen(d));
  });

  for (const [name, input, expected] of [
    ['a forward to an unknown destination', { namespaces: [{ name: 'a', forward: ['nope'] }], destinations: [rabbit] }, /namespaces\[0\]\.forward\[0\]: no destination named "nope"/],
    ['a destination listed twice', { namespaces: [{ name: 'a', forward: ['q', 'q'] }], destinations: [rabbit] }, /namespaces\[0\]\.forward\[1\]: destination "q" is listed twice/],
    ['two destinations with one name', { namespaces: [{ name: 'a' }], destinations: [rabbit, rabbit] }, /destinations\[1\]\.name: duplicate destination "q"/],
    ['an unknown type', { namespaces: [{ name: 'a' }], destinations: [{ name: 'x', type: 'CARRIER_PIGEON' }] }, /destinations\[0\]\.type/],
    ['an unknown placeholder', { namespaces: [{ name: 'a' }], destinations: [{ ...rabbit, routingKey: '{chanel}' }] }, /destinations\[0\]\.routingKey: unknown placeholder \{chanel\}/],
    ['a queue on a required destination', { namespaces: [{ name: 'a' }], destinations: [{ ...rabbit, guarantee: 'required', queue: { maxEvents: 5 } }] }, /destinations\[0\]\.queue: applies to guarantee: async only/],
    ['a webhook secret too short', { namespaces: [{ name: 'a' }], destinations: [{ name: 'w', type: 'WEBHOOK', url: 'https://h/x', secret: 'short' }] }, /destinations\[0\]\.secret: must be at least 16 characters/],
    ['an SQS destination without a region', { namespaces: [{ name: 'a' }], destinations: [{ name: 's', type: 'AMAZON_SQS', queueUrl: 'https://sqs/q' }] }, /destinations\[0\]\.region: Required/],
    ['an EventBridge source under aws.', { namespaces: [{ name: 'a' }], destinations: [{ name: 'e', type: 'AMAZON_EVENTBRIDGE', region: 'us-east-1', source: 'aws.mine' }] }, /destinations\[0\]\.source: must not start with aws\./],
    ['an unknown key', { namespaces: [{ name: 'a' }], destinations: [{ ...rabbit, routingkey: 'x' }] }, /routingkey/],
  ] as const) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseConfig({ ...base, ...input }, 'inline.yaml'), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, expected);
        return true;
      });
    });
  }

  it('never echoes a secret in its errors', () => {
    assert.throws(
      () => parseConfig({ ...base, namespaces: [{ name: 'a' }], destinations: [{ name: 'w', type: 'WEBHOOK', url: 'ftp://h', secret: 'sekrit-sekrit-sekrit' }] }, 'inline'),
      (err: unknown) => err instanceof ConfigError && !err.message.includes('sekrit'),
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChannel } from '@switchboard/protocol';
import { until } from '../test-support/until.js';
import { DeliveryQueue, type QueueReporter } from './delivery-queue.js';
import { ScriptedDestination } from './scripted-destination.js';
import { DestinationError, type OutboundEvent } from './types.js';

// The queue's logic against a scripted destination (a fake, by design): the real destinations
// are tested against real services in their own files.

const channel = parseChannel('/default/q', { allowWildcard: false });
const event = (n: number): OutboundEvent => ({ id: `e${n}`, channel, body: JSON.stringify({ n }) });
const queued = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ event: event(from + i), bytes: 10 }));
const ids = (events: readonly OutboundEvent[]): string[] => events.map((e) => e.id);

function reporter() {
  const log = { sent: 0, retried: 0, gaveUp: [] as { ids: string[]; reason: string; code: string }[], unavailable: 0 };
  const report: QueueReporter = {
    sent: (n) => void (log.sent += n),
    retried: (n) => void (log.retried += n),
    gaveUp: (events, reason, refusal) => void log.gaveUp.push({ ids: ids(events), reason, code: refusal.code }),
    unavailable: () => void log.unavailable++,
  };
  return { log, report };
}

const options = { maxEvents: 100, maxBytes: 10_000, maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20, batchSize: 4, timeoutMs: 500 };

function push(queue: DeliveryQueue, events: ReturnType<typeof queued>): void {
  assert.ok(queue.reserve(events.length, events.length * 10));
  queue.push(events);
}

describe('the async delivery queue', () => {
  it('sends in push order, at most batchSize events per send', async () => {
    const destination = new ScriptedDestination('d');
    const { log, report } = reporter();
    const queue = new DeliveryQueue(destination, options, report);
    push(queue, queued(0, 5));
    push(queue, queued(5, 5));
    await until(() => log.sent === 10, 'ten confirmed');
    assert.deepEqual(ids(destination.delivered), ids(queued(0, 10).map((q) => q.event)));
    assert.ok(destination.calls.every((c) => c.length <= 4));
    assert.equal(queue.size, 0);
  });

  it('sends a batch refused as a whole again after a backoff, before anything newer', async () => {
    const destination = new ScriptedDestination('d', (_, call) => (call <= 2 ? new DestinationError('Unavailable', 'down', true) : { failed: [] }));
    const { log, report } = reporter();
    const queue = new DeliveryQueue(destination, options, report);
    push(queue, queued(0, 3));
    await until(() => log.sent === 3, 'three confirmed');
    assert.equal(destination.calls.length, 3);
    assert.equal(log.retried, 6);
    assert.equal(log.unavailable, 2);
    assert.deepEqual(ids(destination.delivered), ['e0', 'e1', 'e2']);
  });

  it('gives an event up after maxAttempts sends and says why', async () => {
    const destination = new ScriptedDestination('d', () => new DestinationError('HttpStatus503', 'busy', true));
    const { log, report } = reporter();
    const queue = new DeliveryQueue(destination, options, report);
    push(queue, queued(0, 2));
    await until(() => log.gaveUp.length === 1, 'given up');
    assert.deepEqual(log.gaveUp, [{ ids: ['e0', 'e1'], reason: 'retries_exhausted', code: 'HttpStatus503' }]);
    assert.equal(destination.calls.length, 3);
    assert.equal(queue.size, 0);
  });

  it('gives up at once on an event refused as not retryable, and retries a retryable refusal ahead of newer events', async () => {
    const destination = new ScriptedDestination('d', (batch, call) => {
      if (call !== 1) return { failed: [] };
      return { failed: [{ index: 1, code: 'InvalidMessageContents', message: 'bad', retryable: false }, { index: 2, code: 'Throttled', message: 'slow down', retryable: true }] };
    });
    const { log, report } = reporter();
    const queue = new DeliveryQueue(destination, { ...options, batchSize: 3 }, report);
    push(queue, queued(0, 5));
    await until(() => log.sent === 4, 'four confirmed');
    assert.deepEqual(log.gaveUp, [{ ids: ['e1'], reason: 'refused', code: 'InvalidMessageContents' }]);
    assert.deepEqual(ids(destination.calls[1]!), ['e2', 'e3', 'e4'], 'the retried event leads the next batch');
    assert.deepEqual(ids(destination.delivered), ['e0', 'e2', 'e3', 'e4']);
  });

  it('waits without spending attempts while the destination is disconnected, then delivers everything', async () => {
    const destination = new ScriptedDestination('d');
    destination.connected = false;
    const { log, report } = reporter();
    const queue = new DeliveryQueue(destination, { ...options, maxAttempts: 1 }, report);
    push(queue, queued(0, 6));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(destination.calls.length, 0);
    assert.equal(queue.size, 6);
    destination.connected = true;
    await until(() => log.sent === 6, 'six confirmed');
    assert.deepEqual(log.gaveUp, []);
  });

  it('refuses room beyond maxEvents or maxBytes, counting reserved room, and takes it again once released', async () => {
    const destination = new ScriptedDestination('d');
    destination.connected = false;
    const queue = new DeliveryQueue(destination, { ...options, maxEvents: 5, maxBytes: 100 }, reporter().report);
    assert.ok(queue.reserve(3, 30));
    assert.equal(queue.reserve(3, 30), false, 'events bound');
    assert.equal(queue.reserve(1, 71), false, 'bytes bound');
    queue.push(queued(0, 3));
    assert.ok(queue.reserve(2, 20));
    queue.release(2, 20);
    assert.ok(queue.reserve(2, 70));
    assert.deepEqual(ids(await queue.drain(Date.now())), ['e0', 'e1', 'e2']);
  });

  it('stops at the drain deadline and hands back what is left, the batch awaiting confirmation included', async () => {
    const destination = new ScriptedDestination('d', (_, call) => (call === 1 ? 'hang' : { failed: [] }), 2);
    const queue = new DeliveryQueue(destination, { ...options, timeoutMs: 60_000 }, reporter().report);
    push(queue, queued(0, 5));
    await until(() => destination.calls.length === 1, 'first send');
    const left = await queue.drain(Date.now() + 100);
    assert.deepEqual(ids(left), ['e0', 'e1', 'e2', 'e3', 'e4']);
    assert.equal(queue.size, 0);
    assert.equal(queue.reserve(1, 1), false, 'a drained queue takes nothing');
  });

  it('drains to empty before the deadline when the destination takes everything', async () => {
    const destination = new ScriptedDestination('d');
    const queue = new DeliveryQueue(destination, options, reporter().report);
    push(queue, queued(0, 9));
    const started = Date.now();
    assert.deepEqual(await queue.drain(Date.now() + 5000), []);
    assert.ok(Date.now() - started < 2000);
    assert.equal(destination.delivered.length, 9);
  });
});

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Broker, BrokerMessage } from './types.js';

/**
 * The shared broker contract suite (the contract is written on `Broker` in `types.ts`). Every
 * broker implementation runs it: `brokerContract('redis', () => createTwoNodes())`.
 * `makeNodes(n)` returns `n` brokers that form one cluster, not yet started.
 */
export function brokerContract(name: string, makeNodes: (n: number) => Promise<Broker[]>): void {
  describe(`Broker contract: ${name}`, () => {
    const open: Broker[] = [];
    after(async () => {
      await Promise.all(open.map((b) => b.close().catch(() => undefined)));
    });

    async function cluster(n: number): Promise<{ nodes: Broker[]; inbox: BrokerMessage[][] }> {
      const nodes = await makeNodes(n);
      open.push(...nodes);
      const inbox = nodes.map(() => [] as BrokerMessage[]);
      await Promise.all(nodes.map((node, i) => node.start((m) => inbox[i]!.push(m))));
      return { nodes, inbox };
    }

    const msg = (channel: string, n: number): BrokerMessage => ({
      channel,
      events: [{ id: `id-${n}`, payload: JSON.stringify({ n }) }],
    });

    it('delivers a message to every node interested in its exact channel, including the publisher', async () => {
      const { nodes, inbox } = await cluster(2);
      await nodes[0]!.subscribe('/ns/a');
      await nodes[1]!.subscribe('/ns/a');
      await nodes[1]!.publish(msg('/ns/a', 1));
      await eventually(() => inbox[0]!.length === 1 && inbox[1]!.length === 1);
      assert.deepEqual(inbox[0]![0], msg('/ns/a', 1));
      assert.deepEqual(inbox[1]![0], msg('/ns/a', 1));
    });

    it('does not deliver to a node without a matching interest', async () => {
      const { nodes, inbox } = await cluster(2);
      await nodes[0]!.subscribe('/ns/a');
      await nodes[1]!.subscribe('/ns/b');
      await nodes[1]!.publish(msg('/ns/a', 1));
      await nodes[1]!.publish(msg('/ns/b', 2));
      await eventually(() => inbox[0]!.length === 1 && inbox[1]!.length === 1);
      await settle();
      assert.deepEqual(inbox[0]!.map((m) => m.channel), ['/ns/a']);
      assert.deepEqual(inbox[1]!.map((m) => m.channel), ['/ns/b']);
    });

    it('matches a wildcard interest to every channel beneath its prefix, at any depth, but not the prefix itself', async () => {
      const { nodes, inbox } = await cluster(2);
      await nodes[0]!.subscribe('/ns/a/*');
      for (const [i, channel] of ['/ns/a', '/ns/a/b', '/ns/a/b/c', '/ns/ab', '/other/a/b'].entries()) {
        await nodes[1]!.publish(msg(channel, i));
      }
      await eventually(() => inbox[0]!.length >= 2);
      await settle();
      assert.deepEqual(inbox[0]!.map((m) => m.channel), ['/ns/a/b', '/ns/a/b/c']);
    });

    it('delivers a message once to a node whose several interests match it', async () => {
      const { nodes, inbox } = await cluster(1);
      await nodes[0]!.subscribe('/ns/a/b');
      await nodes[0]!.subscribe('/ns/*');
      await nodes[0]!.subscribe('/ns/a/*');
      await nodes[0]!.publish(msg('/ns/a/b', 1));
      await eventually(() => inbox[0]!.length >= 1);
      await settle();
      assert.equal(inbox[0]!.length, 1);
    });

    it('stops delivering after unsubscribe', async () => {
      const { nodes, inbox } = await cluster(2);
      await nodes[0]!.subscribe('/ns/a');
      await nodes[1]!.publish(msg('/ns/a', 1));
      await eventually(() => inbox[0]!.length === 1);
      await nodes[0]!.unsubscribe('/ns/a');
      await nodes[1]!.publish(msg('/ns/a', 2));
      await settle();
      assert.equal(inbox[0]!.length, 1);
    });

    it('keeps per-channel publish order on every node, even without awaiting each publish', async () => {
      const { nodes, inbox } = await cluster(2);
      await nodes[0]!.subscribe('/ns/order');
      await nodes[1]!.subscribe('/ns/order');
      const count = 200;
      await Promise.all(Array.from({ length: count }, (_, n) => nodes[0]!.publish(msg('/ns/order', n))));
      await eventually(() => inbox[0]!.length === count && inbox[1]!.length === count);
      const expected = Array.from({ length: count }, (_, n) => `id-${n}`);
      assert.deepEqual(inbox[0]!.map((m) => m.events[0]!.id), expected);
      assert.deepEqual(inbox[1]!.map((m) => m.events[0]!.id), expected);
    });

    it('keeps every event of a batch, in order, with its id and payload untouched', async () => {
      const { nodes, inbox } = await cluster(2);
      await nodes[1]!.subscribe('/ns/batch');
      const message: BrokerMessage = {
        channel: '/ns/batch',
        events: [
          { id: 'a', payload: '{"text":"héllo ✓ \\u0000"}' },
          { id: 'b', payload: '"just a string"' },
          { id: 'c', payload: '42' },
        ],
      };
      await nodes[0]!.publish(message);
      await eventually(() => inbox[1]!.length === 1);
      assert.deepEqual(inbox[1]![0], message);
    });

    it('rejects publish after close and delivers nothing more', async () => {
      const { nodes, inbox } = await cluster(2);
      await nodes[0]!.subscribe('/ns/a');
      await nodes[0]!.close();
      await assert.rejects(nodes[0]!.publish(msg('/ns/a', 1)));
      await nodes[1]!.publish(msg('/ns/a', 2));
      await settle();
      assert.equal(inbox[0]!.length, 0);
    });
  });
}

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Gives an asynchronous broker time to deliver a message that must not arrive. */
function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 50));
}

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Broker, BrokerMessage, BrokerStatus } from './types.js';

/** The link between one node and its broker, which a test can break (a TCP proxy in between). */
export interface LinkControl {
  /** Drops the connections and refuses new ones. */
  cut(): void;
  /** Forwards nothing, closes nothing: a partition. */
  stall(): void;
  restore(): void;
  close(): Promise<void>;
}

/** `n` nodes of one cluster, not yet started; the first reaches the broker through `link`. */
export interface LinkedCluster {
  readonly nodes: Broker[];
  readonly link: LinkControl;
  /** The implementation's documented bound for noticing a stalled link, with the probe settings the nodes use. */
  readonly detectionBoundMs: number;
}

/**
 * The shared broker contract suite (the contract is written on `Broker` in `types.ts`). Every
 * broker implementation runs it: `brokerContract('redis', () => createTwoNodes())`.
 * `makeNodes(n)` returns `n` brokers that form one cluster, not yet started. `makeLinked(n)`, for
 * brokers with a network link, runs the outage cases; without it they are skipped, saying why.
 */
export function brokerContract(name: string, makeNodes: (n: number) => Promise<Broker[]>, makeLinked?: (n: number) => Promise<LinkedCluster>): void {
  describe(`Broker contract: ${name}`, () => {
    const open: Broker[] = [];
    const links: LinkControl[] = [];
    after(async () => {
      await Promise.all(open.map((b) => b.close().catch(() => undefined)));
      await Promise.all(links.map((l) => l.close()));
    });

    interface Cluster {
      nodes: Broker[];
      inbox: BrokerMessage[][];
      statuses: BrokerStatus[][];
    }

    async function startAll(nodes: Broker[]): Promise<Cluster> {
      open.push(...nodes);
      const inbox = nodes.map(() => [] as BrokerMessage[]);
      const statuses = nodes.map(() => [] as BrokerStatus[]);
      await Promise.all(nodes.map((node, i) => node.start((m) => inbox[i]!.push(m), (s) => statuses[i]!.push(s))));
      return { nodes, inbox, statuses };
    }

    const cluster = async (n: number): Promise<Cluster> => startAll(await makeNodes(n));

    async function linkedCluster(n: number): Promise<Cluster & { link: LinkControl; detectionBoundMs: number }> {
      const { nodes, link, detectionBoundMs } = await makeLinked!(n);
      links.push(link);
      return { ...(await startAll(nodes)), link, detectionBoundMs };
    }

    const noLink = makeLinked === undefined ? `the ${name} broker has no network link that can fail` : false;

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

    it('has delivered a message to the publishing node, when an interest of its matches, by the time publish resolves', async () => {
      const { nodes, inbox } = await cluster(2);
      await nodes[0]!.subscribe('/ns/a');
      await nodes[0]!.subscribe('/ns/w/*');
      for (let n = 0; n < 50; n++) {
        await nodes[0]!.publish(msg(n % 2 === 0 ? '/ns/a' : '/ns/w/x', n));
        assert.equal(inbox[0]!.at(-1)?.events[0]?.id, `id-${n}`, 'delivered before publish resolved');
      }
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

    it('rejects publish after close, delivers nothing more, and is not ready', async () => {
      const { nodes, inbox } = await cluster(2);
      assert.equal(nodes[0]!.ready, true, 'ready once started');
      await nodes[0]!.subscribe('/ns/a');
      await nodes[0]!.close();
      assert.equal(nodes[0]!.ready, false);
      await assert.rejects(nodes[0]!.publish(msg('/ns/a', 1)));
      await nodes[1]!.publish(msg('/ns/a', 2));
      await settle();
      assert.equal(inbox[0]!.length, 0);
    });

    it('acknowledges no publish that the publishing node cannot receive, while its link drops and comes back', { skip: noLink }, async () => {
      const { nodes, inbox, statuses, link } = await linkedCluster(2);
      await nodes[0]!.subscribe('/ns/a');
      await nodes[0]!.subscribe('/ns/w/*');
      const acked: number[] = [];
      let stop = false;
      const publishing = (async () => {
        for (let n = 0; !stop; n++) {
          const channel = n % 2 === 0 ? '/ns/a' : '/ns/w/x';
          if (await nodes[0]!.publish(msg(channel, n)).then(() => true, () => false)) acked.push(n);
          else await settle(2);
        }
      })();
      await eventually(() => acked.length >= 20);
      link.cut();
      await eventually(() => !nodes[0]!.ready);
      await settle(500);
      link.restore();
      await eventually(() => nodes[0]!.ready, 15_000);
      const recovered = acked.length;
      await eventually(() => acked.length >= recovered + 20);
      stop = true;
      await publishing;
      const received = (): Set<string> => new Set(inbox[0]!.map((m) => m.events[0]!.id));
      await eventually(() => acked.every((n) => received().has(`id-${n}`))).catch(() => undefined);
      assert.deepEqual(acked.filter((n) => !received().has(`id-${n}`)), [], 'acknowledged but never delivered to the publishing node');
      assert.deepEqual(statuses[0]!.map((s) => s.ready), [false, true], 'one loss, one "interest restored"');
      // Restored means restored: the other node's publishes arrive again, exact and wildcard.
      const before = inbox[0]!.length;
      await nodes[1]!.publish(msg('/ns/a', -1));
      await nodes[1]!.publish(msg('/ns/w/y', -2));
      await eventually(() => inbox[0]!.length === before + 2);
    });

    it('reports a link that stays open but carries nothing as not ready within its bound, and recovers when it heals', { skip: noLink }, async () => {
      const { nodes, inbox, statuses, link, detectionBoundMs } = await linkedCluster(2);
      await nodes[0]!.subscribe('/ns/a');
      await nodes[1]!.subscribe('/ns/a');
      await nodes[0]!.publish(msg('/ns/a', 1));
      link.stall();
      const stalledAt = Date.now();
      // A loaded test machine runs timers late: allow it some room beyond the bound.
      await eventually(() => !nodes[0]!.ready, detectionBoundMs + 1500);
      assert.ok(Date.now() - stalledAt <= detectionBoundMs + 1500, `noticed after ${Date.now() - stalledAt} ms`);
      assert.equal(statuses[0]!.at(-1)?.ready, false);
      await assert.rejects(nodes[0]!.publish(msg('/ns/a', 2)));
      link.restore();
      await eventually(() => nodes[0]!.ready, 15_000);
      assert.equal(statuses[0]!.at(-1)?.ready, true);
      await nodes[0]!.publish(msg('/ns/a', 3));
      await eventually(() => inbox[0]!.some((m) => m.events[0]!.id === 'id-3') && inbox[1]!.some((m) => m.events[0]!.id === 'id-3'));
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
function settle(ms = 50): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

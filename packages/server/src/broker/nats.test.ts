import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from 'nats';
import { createLogger, type Logger } from '../log/logger.js';
import { NATS_URL, serviceAvailable } from '../test-support/services.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, settle } from '../test-support/ws-client.js';
import { brokerContract } from './contract.js';
import { natsConnectOptions } from './nats-connect-options.js';
import { PingBatcher } from './ping-batcher.js';
import { OriginDedup } from './nats-origin-dedup.js';
import { TcpProxy } from '../test-support/tcp-proxy.js';
import { linkedCluster, serviceBroker } from '../test-support/broker-outage.js';
import { channelSubject, decodeWireMessage, encodeWireMessage, interestSubject } from './nats-wire.js';
import { NatsBroker } from './nats.js';
import type { BrokerMessage } from './types.js';

const nats = await serviceAvailable('NATS', NATS_URL);

/** A subject token no other test run uses, so runs sharing one NATS never see each other. */
const uniquePrefix = (): string => `sbtest-${randomBytes(6).toString('hex')}`;

function memoryLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: createLogger({ level: 'debug', write: (line) => void lines.push(JSON.parse(line)) }) };
}

async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const msg = (channel: string, n: number): BrokerMessage => ({ channel, events: [{ id: `id-${n}`, payload: JSON.stringify({ n }) }] });

describe('NATS wire format', () => {
  it('maps a channel to a subject and a wildcard interest to a ">" subject', () => {
    assert.equal(channelSubject('sb', '/ns/a/b'), 'sb.ns.a.b');
    assert.equal(interestSubject('sb', '/ns/a'), 'sb.ns.a');
    assert.equal(interestSubject('sb', '/ns/a/*'), 'sb.ns.a.>');
    assert.throws(() => channelSubject('sb', '/ns/a.b'), TypeError);
    assert.throws(() => channelSubject('sb', '/ns/*'), TypeError);
  });

  it('round-trips a batch with its payload strings untouched', () => {
    const message = { channel: '/ns/a', events: [{ id: 'x', payload: '{"t":"héllo \\u0000 ✓"}' }, { id: 'y', payload: '42' }] };
    const wire = decodeWireMessage(new TextEncoder().encode(encodeWireMessage('o.1', 7, message)));
    assert.deepEqual(wire, { origin: 'o.1', seq: 7, message });
    assert.throws(() => decodeWireMessage(new TextEncoder().encode('{"not":"ours"}')), TypeError);
  });

  it('keeps the first copy of each message of an origin and drops the others', () => {
    const dedup = new OriginDedup(2);
    assert.deepEqual([dedup.accept('a', 1), dedup.accept('a', 1), dedup.accept('b', 1), dedup.accept('a', 2), dedup.accept('a', 2)], [true, false, true, true, false]);
  });

  it('answers every wait of one event-loop turn with one flush, and fails them all when told', async () => {
    let flushes = 0;
    const batcher = new PingBatcher(async () => void flushes++, 1000);
    await Promise.all([batcher.wait(), batcher.wait(), batcher.wait()]);
    assert.equal(flushes, 1);
    const pending = [batcher.wait(), batcher.wait()];
    batcher.failAll(new Error('lost'));
    for (const p of pending) await assert.rejects(p, /lost/);
    assert.equal(flushes, 1);
  });

  it('moves credentials out of the server address it shows', () => {
    const { options, shown } = natsConnectOptions('nats://alice:s3cret@nats.internal:4333');
    assert.equal(shown, 'nats://nats.internal:4333');
    assert.equal(options.servers, 'nats.internal:4333');
    assert.deepEqual([options.user, options.pass], ['alice', 's3cret']);
    assert.equal(natsConnectOptions('nats://tok3n@h').options.token, 'tok3n');
    assert.throws(() => natsConnectOptions('wss://h:443'), TypeError);
  });
});

if (!nats.ok) {
  describe('NatsBroker against a real NATS', () => {
    it('needs a NATS server', (t) => t.skip(nats.reason));
  });
} else {
  brokerContract(
    'nats',
    async (n) => {
      const prefix = uniquePrefix();
      return Array.from({ length: n }, () => new NatsBroker({ url: NATS_URL, prefix, log: memoryLog().log }));
    },
    (n) => linkedCluster(serviceBroker('NATS'), n),
  );

  describe('NatsBroker interest', () => {
    const prefix = uniquePrefix();
    const a = new NatsBroker({ url: NATS_URL, prefix, log: memoryLog().log });
    const b = new NatsBroker({ url: NATS_URL, prefix, log: memoryLog().log });
    const inboxA: BrokerMessage[] = [];
    const inboxB: BrokerMessage[] = [];
    let raw: NatsConnection;
    const rawSubjects: string[] = [];
    before(async () => {
      raw = await connect({ servers: NATS_URL });
      raw.subscribe(`${prefix}.>`, { callback: (_err, m) => void rawSubjects.push(m.subject) });
      await raw.flush();
      await a.start((m) => inboxA.push(m));
      await b.start((m) => inboxB.push(m));
    });
    after(async () => {
      await Promise.all([a.close(), b.close(), raw.close()]);
    });

    it('sends a node no traffic for channels none of its interests match', async () => {
      await a.subscribe('/ns/a');
      await b.subscribe('/ns/fence');
      const count = 100;
      for (let n = 0; n < count; n++) {
        void a.publish(msg('/ns/a', n));
        void a.publish(msg(`/other/c${n % 5}/x`, n));
      }
      // One connection's messages reach a subscriber in order, so once b has the fence, any
      // earlier message NATS had sent it would have arrived too.
      await a.publish(msg('/ns/fence', -1));
      await eventually(() => inboxB.length >= 1 && rawSubjects.length >= 2 * count + 1, 'the fence and the raw traffic');
      assert.deepEqual(inboxB.map((m) => m.channel), ['/ns/fence']);
      assert.equal(rawSubjects.filter((s) => s !== `${prefix}.ns.fence`).length, 2 * count, 'the traffic b was not sent exists');
      await eventually(() => inboxA.length === count, 'a to receive its own channel');
      assert.deepEqual(inboxA.map((m) => m.events[0]!.id), Array.from({ length: count }, (_, n) => `id-${n}`));
    });

    it('sends a node nothing more for an interest it dropped', async () => {
      await b.subscribe('/ns/w/*');
      await b.unsubscribe('/ns/w/*');
      await a.publish(msg('/ns/w/x', 1));
      await a.publish(msg('/ns/fence', -2));
      await eventually(() => inboxB.length >= 2, 'the second fence');
      assert.deepEqual(inboxB.map((m) => m.channel), ['/ns/fence', '/ns/fence']);
    });
  });

  describe('NatsBroker behind a TCP proxy (latency, outage)', () => {
    const prefix = uniquePrefix();
    let proxy: TcpProxy;
    let node: NatsBroker;
    let peer: NatsBroker;
    const { log, lines } = memoryLog();
    const inbox: BrokerMessage[] = [];
    before(async () => {
      proxy = await TcpProxy.start(NATS_URL);
      node = new NatsBroker({ url: proxy.url(NATS_URL), prefix, log });
      peer = new NatsBroker({ url: NATS_URL, prefix, log: memoryLog().log });
      await node.start((m) => inbox.push(m));
      await peer.start(() => undefined);
    });
    after(async () => {
      await Promise.all([node.close(), peer.close()]);
      await proxy.close();
    });

    it('has the server register an interest before subscribe resolves', async () => {
      const channels = Array.from({ length: 50 }, (_, i) => `/ns/s${i}`);
      await Promise.all(channels.map((c) => node.subscribe(c)));
      await Promise.all(channels.map((c, i) => peer.publish(msg(c, i))));
      await eventually(() => inbox.length === channels.length, 'one delivery per new interest');
      await Promise.all(channels.map((c) => node.unsubscribe(c)));
      inbox.length = 0;
    });

    it('rejects publish promptly while cut, then re-subscribes by itself and delivers each message once', async () => {
      await node.subscribe('/ns/o');
      await peer.publish(msg('/ns/o', 0));
      await eventually(() => inbox.length === 1, 'delivery before the outage');

      proxy.cut();
      const started = Date.now();
      await assert.rejects(node.publish(msg('/ns/o', 1)), /NATS broker/);
      assert.ok(Date.now() - started < 2000, `publish rejected after ${Date.now() - started} ms`);
      await eventually(() => lines.some((l) => l['msg'] === 'broker disconnected'), 'the disconnect log');
      await assert.rejects(node.publish(msg('/ns/o', 2)), /disconnected/);
      await assert.rejects(node.subscribe('/ns/other'), /disconnected/);
      await peer.publish(msg('/ns/o', 3)); // lost for node: at most once, no redelivery

      proxy.restore();
      await eventually(() => lines.some((l) => l['msg'] === 'broker reconnected'), 'the reconnect log');
      // The client re-sent its SUB on reconnect; probe until the server has it registered.
      const seq = (m: BrokerMessage): number => Number(m.events[0]!.id.slice(3));
      for (let n = 100; !inbox.some((m) => seq(m) >= 100); n++) {
        if (n > 200) throw new Error('no delivery after reconnect');
        await peer.publish(msg('/ns/o', n));
        await settle(20);
      }
      // Acknowledged publishes were processed by the server first, so they arrive first.
      await Promise.all(Array.from({ length: 50 }, (_, i) => peer.publish(msg('/ns/o', 1000 + i))));
      await node.publish(msg('/ns/o', 1050));
      const after = (): number[] => inbox.map(seq).filter((n) => n >= 1000);
      await eventually(() => after().length >= 51, 'deliveries after the reconnect');
      await settle(50);
      assert.deepEqual(after(), Array.from({ length: 51 }, (_, i) => 1000 + i));

      const ids = inbox.map((m) => m.events[0]!.id);
      assert.equal(new Set(ids).size, ids.length, 'nothing delivered twice');
      assert.ok(!ids.includes('id-1') && !ids.includes('id-2') && !ids.includes('id-3'));
      assert.deepEqual(lines.filter((l) => String(l['msg']).startsWith('broker ')).map((l) => `${l['level']} ${l['msg']}`), [
        'info broker connected',
        'warn broker disconnected',
        'info broker reconnected',
      ]);
    });
  });

  describe('Switchboard nodes on one NATS', () => {
    const prefix = uniquePrefix();
    const servers: TestServer[] = [];
    const clients: TestClient[] = [];
    before(async () => {
      for (let i = 0; i < 3; i++) {
        const broker = new NatsBroker({ url: NATS_URL, prefix, log: memoryLog().log });
        servers.push(await startTestServer({}, { broker }));
      }
    });
    after(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await Promise.all(servers.map((s) => s.close()));
    });

    const connectTo = async (i: number): Promise<TestClient> => {
      const client = await TestClient.connect(servers[i]!.realtimeUrl, { apiKey: TEST_KEY });
      clients.push(client);
      return client;
    };

    it('delivers every event published on any node, over WebSocket or HTTP, once to every subscriber, in order', async () => {
      const subscriptions = [
        { node: 0, id: 'room1', channel: '/default/room/1' },
        { node: 0, id: 'rooms', channel: '/default/room/*' },
        { node: 1, id: 'room1', channel: '/default/room/1' },
        { node: 1, id: 'all', channel: '/default/*' },
        { node: 2, id: 'rooms', channel: '/default/room/*' },
        { node: 2, id: 'room2', channel: '/default/room/2' },
      ];
      const subscribers = [];
      for (const s of subscriptions) {
        const client = await connectTo(s.node);
        assert.equal((await client.subscribe(s.id, s.channel, TEST_KEY)).type, 'subscribe_success');
        subscribers.push({ ...s, client });
      }
      const publishers = await Promise.all([0, 1, 2].map(connectTo));

      const published: { channel: string; event: { k: number; e: number } }[] = [];
      for (let k = 0; k < 24; k++) {
        const node = k % 3;
        const channel = k % 4 === 3 ? '/default/lobby' : `/default/room/${1 + (k % 2)}`;
        const events = [{ k, e: 0 }, { k, e: 1 }];
        if (k % 2 === 0) {
          const reply = await publishers[node]!.publish(`p${k}`, channel, events, TEST_KEY);
          assert.equal(reply.type, 'publish_success');
        } else {
          const res = await fetch(`${servers[node]!.httpUrl}/event`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': TEST_KEY },
            body: JSON.stringify({ channel, events: events.map((e) => JSON.stringify(e)) }),
          });
          assert.equal(res.status, 200);
        }
        published.push(...events.map((event) => ({ channel, event })));
      }

      for (const s of subscribers) {
        const prefixOf = s.channel.endsWith('/*') ? s.channel.slice(0, -1) : undefined;
        const expected = published.filter((p) => (prefixOf ? p.channel.startsWith(prefixOf) : p.channel === s.channel)).map((p) => p.event);
        assert.ok(expected.length > 0);
        await eventually(() => s.client.data(s.id).length >= expected.length, `${s.id} on node ${s.node}`);
      }
      await settle(100);
      for (const s of subscribers) {
        const prefixOf = s.channel.endsWith('/*') ? s.channel.slice(0, -1) : undefined;
        const expected = published.filter((p) => (prefixOf ? p.channel.startsWith(prefixOf) : p.channel === s.channel)).map((p) => p.event);
        assert.deepEqual(s.client.data(s.id), expected, `${s.id} on node ${s.node}`);
      }
    });
  });
}

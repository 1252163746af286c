import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createLogger, type Logger } from '../log/logger.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { REDIS_URL, serviceAvailable } from '../test-support/services.js';
import { TestClient } from '../test-support/ws-client.js';
import { brokerContract } from './contract.js';
import { RedisBroker } from './redis.js';
import { TcpProxy } from '../test-support/tcp-proxy.js';
import { linkedCluster, serviceBroker } from '../test-support/broker-outage.js';
import { interestMatches, type BrokerMessage } from './types.js';

const redis = await serviceAvailable('Redis', REDIS_URL);

/** A prefix of its own for every cluster, so runs and cases never see each other's messages. */
const uniquePrefix = (): string => `sbtest-${randomUUID().slice(0, 8)}`;

function capturingLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { log: createLogger({ level: 'debug', write: (line) => void lines.push(JSON.parse(line)) }), lines };
}

const msg = (channel: string, n: number): BrokerMessage => ({ channel, events: [{ id: `id-${n}`, payload: JSON.stringify({ n }) }] });

async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const settle = (ms = 100): Promise<void> => new Promise((r) => setTimeout(r, ms));

if (!redis.ok) {
  describe('RedisBroker', () => it('runs against a real Redis', (t) => t.skip(redis.reason)));
} else {
  brokerContract(
    'redis',
    async (n) => {
      const prefix = uniquePrefix();
      return Array.from({ length: n }, () => new RedisBroker({ url: REDIS_URL, prefix, log: createLogger({ level: 'silent' }) }));
    },
    (n) => linkedCluster(serviceBroker('Redis'), n),
  );

  describe('RedisBroker', () => {
    const cleanup: (() => Promise<unknown>)[] = [];
    after(async () => {
      await Promise.allSettled(cleanup.map((fn) => fn()));
    });

    function rawClient(): Redis {
      const client = new Redis(REDIS_URL, { lazyConnect: false });
      cleanup.push(() => client.quit());
      return client;
    }

    async function node(prefix: string, url = REDIS_URL, log: Logger = createLogger({ level: 'silent' })) {
      const broker = new RedisBroker({ url, prefix, log });
      cleanup.push(() => broker.close());
      const inbox: BrokerMessage[] = [];
      await broker.start((m) => inbox.push(m));
      return { broker, inbox };
    }

    it('sends a node no broker traffic for channels it has no interest in', async () => {
      const prefix = uniquePrefix();
      const monitor = rawClient();
      const seen: string[] = [];
      monitor.on('pmessage', (_pattern: string, channel: string) => seen.push(channel));
      await monitor.psubscribe(`${prefix}:*`);
      const publisher = await node(prefix);
      const idle = await node(prefix);
      const busy = await node(prefix);
      await idle.broker.subscribe('/ns/quiet');
      await idle.broker.subscribe('/ns/quiet/*');
      await busy.broker.subscribe('/ns/loud');
      await busy.broker.subscribe('/ns/wide/*');
      for (let i = 0; i < 100; i++) {
        void publisher.broker.publish(msg('/ns/loud', i));
        void publisher.broker.publish(msg('/ns/wide/x', i));
        void publisher.broker.publish(msg('/ns/quietly', i));
      }
      await publisher.broker.publish(msg('/ns/loud', 100));
      await eventually(() => seen.length === 301 && busy.inbox.length === 201, 'every publish seen by Redis and by the busy node');
      await settle();
      assert.equal(idle.broker.stats.received, 0, 'broker messages the idle node received');
      assert.equal(idle.inbox.length, 0);
      assert.equal(busy.broker.stats.received, 201);
      assert.equal(publisher.broker.stats.received, 0);
      const admin = rawClient();
      assert.deepEqual(((await admin.pubsub('CHANNELS', `${prefix}:*`)) as string[]).sort(), [`${prefix}:/ns/loud`, `${prefix}:/ns/quiet`]);
    });

    it('sends the changes of one event-loop turn as one command per kind, and resolves once Redis confirmed them', async () => {
      const prefix = uniquePrefix();
      const monitor = await rawClient().monitor();
      cleanup.push(async () => monitor.disconnect());
      const commands: string[] = [];
      monitor.on('monitor', (_time: string, args: string[]) => {
        if (/^p?(un)?subscribe$/i.test(args[0] ?? '') && args.slice(1).some((a) => a.startsWith(prefix))) commands.push(args.join(' ').toLowerCase());
      });
      const { broker } = await node(prefix);
      const admin = rawClient();
      await Promise.all(['/ns/a', '/ns/b', '/ns/c/*', '/ns/d/*'].map((p) => broker.subscribe(p)));
      assert.deepEqual(await admin.pubsub('NUMSUB', `${prefix}:/ns/a`, `${prefix}:/ns/b`), [`${prefix}:/ns/a`, 1, `${prefix}:/ns/b`, 1]);
      await Promise.all(['/ns/a', '/ns/b', '/ns/c/*'].map((p) => broker.unsubscribe(p)));
      await eventually(() => commands.length >= 4, 'four commands in MONITOR');
      const k = (p: string): string => `${prefix}:${p}`.toLowerCase();
      assert.deepEqual(commands.sort(), [
        `psubscribe ${k('/ns/c/*')} ${k('/ns/d/*')}`,
        `punsubscribe ${k('/ns/c/*')}`,
        `subscribe ${k('/ns/a')} ${k('/ns/b')}`,
        `unsubscribe ${k('/ns/a')} ${k('/ns/b')}`,
      ]);
    });

    it('delivers every message once, in order, while an overlapping interest comes and goes', async () => {
      const prefix = uniquePrefix();
      const publisher = await node(prefix);
      const watcher = await node(prefix);
      await watcher.broker.subscribe('/ns/*');
      const count = 400;
      const published = (async () => {
        for (let i = 0; i < count; i++) {
          await publisher.broker.publish(msg('/ns/a', i));
          if (i % 8 === 0) await settle(1);
        }
      })();
      let toggles = 0;
      while (watcher.inbox.length < count / 2) {
        await watcher.broker.subscribe('/ns/a');
        await watcher.broker.unsubscribe('/ns/a');
        toggles++;
      }
      await published;
      await eventually(() => watcher.inbox.length >= count, 'every message delivered');
      await settle();
      assert.ok(toggles > 5, `the exact interest came and went ${toggles} times`);
      assert.ok(watcher.broker.stats.received > count, 'some messages came through both interests');
      assert.deepEqual(watcher.inbox.map((m) => m.events[0]!.id), Array.from({ length: count }, (_, i) => `id-${i}`));
    });

    it('survives an outage: publish and subscribe fail fast, then it re-subscribes by itself and delivers once', async () => {
      const prefix = uniquePrefix();
      const proxy = await TcpProxy.start(REDIS_URL);
      cleanup.push(() => proxy.close());
      const { log, lines } = capturingLogger();
      const cut = await node(prefix, proxy.url(REDIS_URL), log);
      const other = await node(prefix);
      await cut.broker.subscribe('/ns/o');
      await cut.broker.subscribe('/ns/w/*');
      await other.broker.publish(msg('/ns/o', 1));
      await eventually(() => cut.inbox.length === 1, 'delivery before the outage');

      proxy.cut();
      const started = Date.now();
      await assert.rejects(cut.broker.publish(msg('/ns/o', 2)), /did not take the message/);
      await assert.rejects(cut.broker.subscribe('/ns/late'), /could not subscribe/);
      assert.ok(Date.now() - started < 2000, `failed in ${Date.now() - started} ms`);
      await other.broker.publish(msg('/ns/o', 3)); // lost for the cut node: at most once, no redelivery
      await settle(600); // a few reconnection attempts
      assert.equal(lines.filter((l) => l['msg'] === 'broker disconnected').length, 1);

      proxy.restore();
      await eventually(() => lines.some((l) => l['msg'] === 'broker reconnected'), 'broker reconnected logged', 5000);
      await other.broker.publish(msg('/ns/o', 4));
      await other.broker.publish(msg('/ns/w/x', 5));
      await cut.broker.publish(msg('/ns/w/y', 6));
      await eventually(() => cut.inbox.length >= 4, 'delivery after the outage');
      await settle();
      assert.deepEqual(cut.inbox.map((m) => m.events[0]!.id), ['id-1', 'id-4', 'id-5', 'id-6']);
      assert.equal(lines.filter((l) => l['msg'] === 'broker disconnected').length, 1);
      assert.equal(lines.filter((l) => l['msg'] === 'broker reconnected').length, 1);
      assert.equal(lines.find((l) => l['msg'] === 'broker disconnected')!['level'], 'warn');
    });

    it('rejects start when Redis is unreachable, and keeps the password out of errors and logs', async () => {
      const port = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
          const { port } = server.address() as { port: number };
          server.close(() => resolve(port));
        });
      });
      const { log, lines } = capturingLogger();
      const broker = new RedisBroker({ url: `redis://user:s3cret-pass@127.0.0.1:${port}`, prefix: uniquePrefix(), log });
      cleanup.push(() => broker.close());
      const error = await broker.start(() => undefined).then(() => undefined, (err: unknown) => err as Error);
      assert.ok(error instanceof Error, 'start rejected');
      assert.match(error.message, /cannot connect to redis:\/\/user:\*\*\*@127\.0\.0\.1/);
      assert.doesNotMatch(JSON.stringify(lines) + error.message, /s3cret/);
      await broker.close();
      await assert.rejects(broker.publish(msg('/ns/a', 1)), /closed/);
    });
  });

  describe('Switchboard nodes sharing one Redis', () => {
    const servers: TestServer[] = [];
    const clients: TestClient[] = [];
    after(async () => {
      await Promise.allSettled(clients.map((c) => c.close()));
      await Promise.allSettled(servers.map((s) => s.close()));
    });

    interface Sent {
      src: string;
      seq: number;
      ch: string;
    }

    async function httpPublish(server: TestServer, channel: string, event: Sent): Promise<void> {
      const res = await fetch(`${server.httpUrl}/event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': TEST_KEY },
        body: JSON.stringify({ channel, events: [JSON.stringify(event)] }),
      });
      assert.equal(res.status, 200, await res.text());
    }

    it('delivers every event once to every subscriber, in publish order, whichever node and transport it came through', async () => {
      const prefix = uniquePrefix();
      for (let i = 0; i < 3; i++) {
        const broker = new RedisBroker({ url: REDIS_URL, prefix, log: createLogger({ level: 'silent' }) });
        servers.push(await startTestServer({ limits: { publishesPerSecond: 1000 } }, { broker }));
      }
      const subscriptions = [
        { node: 0, channel: '/default/room/1' },
        { node: 1, channel: '/default/room/*' },
        { node: 2, channel: '/default/*' },
        { node: 2, channel: '/default/room/1' },
        { node: 0, channel: '/chat/*' },
        { node: 1, channel: '/default/room/2' },
      ].map((s) => ({ ...s, client: undefined as unknown as TestClient }));
      for (const sub of subscriptions) {
        sub.client = await TestClient.connect(servers[sub.node]!.realtimeUrl, { apiKey: TEST_KEY });
        clients.push(sub.client);
        assert.equal((await sub.client.subscribe('s', sub.channel, TEST_KEY)).type, 'subscribe_success');
      }
      const publishers = await Promise.all(servers.map((s) => TestClient.connect(s.realtimeUrl, { apiKey: TEST_KEY })));
      clients.push(...publishers);
      const channels = ['/default/room/1', '/default/room/2', '/default/lobby', '/chat/x'];
      const sent: Sent[] = [];

      // One after the other, from every node in turn: one global order every subscriber must see.
      for (let seq = 0; seq < 24; seq++) {
        const node = seq % 3;
        const event = { src: 'sequential', seq, ch: channels[seq % channels.length]! };
        sent.push(event);
        if (seq % 2 === 0) assert.equal((await publishers[node]!.publish(`p${seq}`, event.ch, [event], TEST_KEY)).type, 'publish_success');
        else await httpPublish(servers[node]!, event.ch, event);
      }
      // All at once: order holds per publisher (one WebSocket, or one HTTP client awaiting each reply).
      await Promise.all(
        servers.flatMap((server, node) => [
          Promise.all(
            Array.from({ length: 20 }, (_, seq) => {
              const event = { src: `ws-${node}`, seq, ch: channels[seq % 2]! };
              sent.push(event);
              return publishers[node]!.publish(`q${seq}`, event.ch, [event], TEST_KEY);
            }),
          ),
          (async () => {
            for (let seq = 0; seq < 10; seq++) {
              const event = { src: `http-${node}`, seq, ch: channels[seq % channels.length]! };
              sent.push(event);
              await httpPublish(server, event.ch, event);
            }
          })(),
        ]),
      );

      const expected = subscriptions.map((sub) => sent.filter((e) => interestMatches(sub.channel, e.ch)));
      const received = (): Sent[][] => subscriptions.map((sub) => sub.client.data('s') as Sent[]);
      await eventually(() => received().every((got, i) => got.length >= expected[i]!.length), 'every subscriber has every event', 10_000);
      await settle();
      const key = (e: Sent): string => `${e.src}#${e.seq}`;
      for (const [i, sub] of subscriptions.entries()) {
        const got = received()[i]!;
        assert.deepEqual(got.map(key).sort(), expected[i]!.map(key).sort(), `node ${sub.node} ${sub.channel}: each event once`);
        for (const src of new Set(got.map((e) => e.src))) {
          const seqs = got.filter((e) => e.src === src).map((e) => e.seq);
          assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `node ${sub.node} ${sub.channel}: ${src} in order`);
        }
      }
      assert.ok(expected.every((e) => e.length > 0));
    });
  });
}

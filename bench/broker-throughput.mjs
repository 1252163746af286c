// Deliveries per second through each broker, and how much broker traffic a node gets for channels it
// has no interest in (should be 0).
// Usage: npm run build && node bench/broker-throughput.mjs [messages=50000] [channels=4] [runs=3]
// Env: REDIS_URL (default redis://127.0.0.1:6379). A broker whose service is down is skipped, visibly.
// PUBLISHER_SUBSCRIBES=1: the publishing node also subscribes to every channel, so each publish
// also waits for the node's own copy (the acknowledgement rule of docs/deployment.md).
//
// Each run makes a three-node cluster: a publisher, a subscriber with an exact interest in every
// published channel, and an idle node interested only in other channels. The publisher sends
// `messages` one-event messages round-robin over the channels (at most WINDOW unconfirmed), and the
// clock stops when the subscriber has them all. Reported: the median run's deliveries/s and
// publishes/s, whether every channel kept its order, what the idle node's deliver callback got and
// (brokers with `stats.received`) how many messages the broker sent it at all.
// To add a broker, add one entry to BROKERS.
import { randomUUID } from 'node:crypto';
import { MemoryBroker, MemoryHub } from '../packages/server/dist/broker/memory.js';
import { createLogger } from '../packages/server/dist/log/logger.js';
import { NATS_URL, REDIS_URL, serviceAvailable } from '../packages/server/dist/test-support/services.js';

const messages = Number(process.argv[2] ?? 50_000);
const channelCount = Number(process.argv[3] ?? 4);
const runs = Number(process.argv[4] ?? 3);
const WINDOW = 1000;
const TIMEOUT_MS = 20_000;
const log = createLogger({ level: 'silent' });
const publisherSubscribes = process.env.PUBLISHER_SUBSCRIBES === '1';

/** `makeNodes(n)`: n brokers forming one cluster, not started. `url`: checked before running, if set. */
const BROKERS = [
  {
    name: 'memory',
    makeNodes: async (n) => {
      const hub = new MemoryHub();
      return Array.from({ length: n }, () => new MemoryBroker(hub));
    },
  },
  {
    name: 'redis',
    url: REDIS_URL,
    makeNodes: async (n) => {
      const { RedisBroker } = await import('../packages/server/dist/broker/redis.js');
      const prefix = `bench-${randomUUID().slice(0, 8)}`;
      return Array.from({ length: n }, () => new RedisBroker({ url: REDIS_URL, prefix, log }));
    },
  },
  {
    name: 'nats',
    url: NATS_URL,
    makeNodes: async (n) => {
      const { NatsBroker } = await import('../packages/server/dist/broker/nats.js');
      const prefix = `bench-${randomUUID().slice(0, 8)}`;
      return Array.from({ length: n }, () => new NatsBroker({ url: NATS_URL, prefix, log }));
    },
  },
];

async function run(broker) {
  const [publisher, subscriber, idle] = await broker.makeNodes(3);
  const channels = Array.from({ length: channelCount }, (_, i) => `/bench/c${i}`);
  const nextSeq = new Map(channels.map((c) => [c, 0]));
  let delivered = 0;
  let ordered = true;
  let idleDeliveries = 0;
  let allDelivered;
  const done = new Promise((resolve) => (allDelivered = resolve));
  await publisher.start(() => undefined);
  await subscriber.start((m) => {
    const seq = Number(m.events[0].id);
    if (seq !== nextSeq.get(m.channel)) ordered = false;
    nextSeq.set(m.channel, seq + channelCount);
    if (++delivered === messages) allDelivered();
  });
  await idle.start(() => idleDeliveries++);
  try {
    for (const [i, channel] of channels.entries()) {
      nextSeq.set(channel, i);
      await subscriber.subscribe(channel);
    }
    if (publisherSubscribes) for (const channel of channels) await publisher.subscribe(channel);
    await idle.subscribe('/bench-other/*');
    await idle.subscribe('/bench/c-none');
    const payload = JSON.stringify({ text: 'x'.repeat(80), at: Date.now() });
    const started = performance.now();
    const pending = [];
    for (let seq = 0; seq < messages; seq++) {
      pending.push(publisher.publish({ channel: channels[seq % channelCount], events: [{ id: String(seq), payload }] }));
      if (pending.length >= WINDOW) await pending.shift();
    }
    await Promise.all(pending);
    const published = performance.now();
    const timeout = new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS, 'timeout').unref());
    const outcome = await Promise.race([done, timeout]);
    const finished = performance.now();
    await new Promise((r) => setTimeout(r, 200)); // anything late for the idle node arrives now
    return {
      deliveriesPerSecond: Math.round(delivered / ((finished - started) / 1000)),
      publishesPerSecond: Math.round(messages / ((published - started) / 1000)),
      delivered,
      ordered,
      complete: outcome !== 'timeout',
      idleDeliveries,
      idleBrokerMessages: idle.stats?.received ?? Number.NaN, // brokers that count what they receive
    };
  } finally {
    await Promise.all([publisher, subscriber, idle].map((b) => b.close().catch(() => undefined)));
  }
}

console.log(
  `${messages} one-event messages over ${channelCount} channels, ${runs} runs per broker (median shown), node ${process.version}` +
    (publisherSubscribes ? ', the publishing node subscribed too' : ''),
);
const rows = [];
for (const broker of BROKERS) {
  if (broker.url !== undefined && !(await serviceAvailable(broker.name, broker.url)).ok) {
    rows.push({ broker: broker.name, result: 'skipped: not reachable' });
    continue;
  }
  await run(broker); // warm-up: JIT and connections
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await run(broker));
  results.sort((a, b) => a.deliveriesPerSecond - b.deliveriesPerSecond);
  const median = results[Math.floor(results.length / 2)];
  rows.push({
    broker: broker.name,
    'deliveries/s': median.deliveriesPerSecond,
    'publishes/s': median.publishesPerSecond,
    'all delivered': results.every((r) => r.complete && r.delivered === messages),
    'in order': results.every((r) => r.ordered),
    'idle node deliveries': Math.max(...results.map((r) => r.idleDeliveries)),
    'idle node broker msgs': results.some((r) => Number.isNaN(r.idleBrokerMessages)) ? '-' : Math.max(...results.map((r) => r.idleBrokerMessages)),
  });
}
console.table(rows);

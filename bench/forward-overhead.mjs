// What forwarding adds per publish: no forwarding, then RabbitMQ and NATS JetStream, each `required`
// (confirmed before the broadcast) and `async` (queued after it).
// Usage: npm run build && node bench/forward-overhead.mjs [publishes=3000] [concurrency=8] [rounds=3]
// Needs RabbitMQ (AMQP_URL, default amqp://guest:guest@127.0.0.1:5672) and NATS with JetStream
// (NATS_URL, default nats://127.0.0.1:4222). Uses a transient queue and a memory stream, named for
// this run and deleted after it, so the figures are Switchboard's cost plus the broker's in-memory
// work, not a disk's. Each mode: one server, one subscriber; `concurrency` publishers each await
// every publish_success. Reports publishes/s, mean and p99 publish latency, the CPU time of this
// process (server and clients) per publish, until the queue is empty (steadier than wall time on
// a busy machine, and without the brokers' own CPU), and for async modes how
// long after the last publish the queue took to empty: the median of `rounds` rounds, the modes
// interleaved within each round so that a busy machine weighs on all of them. Compare ratios within one run.
import { randomBytes } from 'node:crypto';
import amqplib from 'amqplib';
import { connect as natsConnect, StorageType } from 'nats';
import { measurePublishes } from './lib/ws-publishers.mjs';
import { Switchboard, parseConfig, createLogger } from '../packages/server/dist/index.js';

const total = Number(process.argv[2] ?? 3000);
const concurrency = Number(process.argv[3] ?? 8);
const rounds = Number(process.argv[4] ?? 3);
const KEY = 'da2-benchmarkbenchmarkbench01';
const EVENT = '{"n":1,"text":"a forwarded event of about a hundred bytes, as JSON text"}';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const name = `sbbench-fwd-${randomBytes(4).toString('hex')}`;

// RabbitMQ: a topic exchange with a transient queue bound to everything (so nothing is unroutable).
const amqp = await amqplib.connect(AMQP_URL);
const admin = await amqp.createChannel();
await admin.assertExchange(name, 'topic', { durable: false });
await admin.assertQueue(name, { durable: false, arguments: { 'x-max-length': 100_000 } });
await admin.bindQueue(name, name, '#');
// JetStream: a memory stream capturing <name>.>.
const nc = await natsConnect({ servers: new URL(NATS_URL).host });
const jsm = await nc.jetstreamManager();
await jsm.streams.add({ name, subjects: [`${name}.>`], storage: StorageType.Memory, max_msgs: 100_000 });

const rabbit = (guarantee) => ({ name: 'out', type: 'RABBITMQ', guarantee, url: AMQP_URL, exchange: name });
const jetstream = (guarantee) => ({ name: 'out', type: 'NATS_JETSTREAM', guarantee, url: NATS_URL, subject: `${name}.{channel}` });
const modes = {
  'no forwarding': undefined,
  'RabbitMQ required': rabbit('required'),
  'RabbitMQ async': rabbit('async'),
  'JetStream required': jetstream('required'),
  'JetStream async': jetstream('async'),
};

const queued = (server) => Number(/switchboard_forward_queued\{destination="out"\} (\d+)/.exec(server.core.metrics.registry.render())?.[1] ?? 0);
const up = (server) => /switchboard_forward_up\{destination="out",guarantee="\w+"\} 1/.test(server.core.metrics.registry.render());

async function run(label, destination) {
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    auth: { apiKeys: [{ key: KEY }] },
    namespaces: [{ name: 'bench', ...(destination ? { forward: ['out'] } : {}) }],
    destinations: destination ? [destination] : [],
    limits: { publishesPerSecond: 1_000_000, messagesPerSecond: 1_000_000, pendingOperations: 1_000_000 },
    log: { level: 'error' },
  }, 'bench');
  const server = new Switchboard(config, { logger: createLogger({ level: 'error' }) });
  const { realtimeUrl } = await server.listen();
  while (destination && !up(server)) await new Promise((r) => setTimeout(r, 10));
  let drainMs;
  const result = await measurePublishes(realtimeUrl, {
    key: KEY, channel: '/bench/x', event: EVENT, total, concurrency,
    settle: async () => {
      const lastPublish = performance.now();
      while (queued(server) > 0) await new Promise((r) => setTimeout(r, 2));
      drainMs = performance.now() - lastPublish;
    },
  });
  await server.close();
  return { label, ...result, drainMs: destination?.guarantee === 'async' ? drainMs : undefined };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  await run('JIT warm-up (discarded)', undefined);
  const byMode = new Map(Object.keys(modes).map((label) => [label, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [label, destination] of Object.entries(modes)) byMode.get(label).push(await run(label, destination));
  }
  const results = [...byMode].map(([label, runs]) => ({
    label,
    rate: median(runs.map((r) => r.rate)),
    mean: median(runs.map((r) => r.mean)),
    p99: median(runs.map((r) => r.p99)),
    drainMs: runs[0].drainMs === undefined ? undefined : median(runs.map((r) => r.drainMs)),
    cpuUs: median(runs.map((r) => r.cpuUs)),
  }));
  const base = results[0].rate;
  console.log(`node ${process.version}, ${total} publishes of 1 event, ${concurrency} publishers, 1 subscriber, median of ${rounds} rounds`);
  console.log('mode                 publishes/s  vs none  mean ms  p99 ms  CPU us/publish  queue empty after');
  for (const r of results) {
    const drain = r.drainMs === undefined ? '' : `${r.drainMs.toFixed(0)} ms`;
    console.log(`${r.label.padEnd(21)}${r.rate.toFixed(0).padStart(11)}  ${(r.rate / base).toFixed(2).padStart(7)}  ${r.mean.toFixed(3).padStart(7)}  ${r.p99.toFixed(3).padStart(6)}  ${r.cpuUs.toFixed(0).padStart(14)}  ${drain}`);
  }
} finally {
  await admin.deleteQueue(name).catch(() => undefined);
  await admin.deleteExchange(name).catch(() => undefined);
  await amqp.close();
  await jsm.streams.delete(name).catch(() => undefined);
  await nc.close();
}
process.exit(0);

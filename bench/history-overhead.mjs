// What history adds per publish, per store, against the same broker without history.
// Usage: npm run build && node bench/history-overhead.mjs [publishes=2000] [subscribers=50] [rounds=3]
// Each variant: one server in this process (broker and store on the local Redis / NATS), one
// publisher that awaits every publish_success, `subscribers` WebSocket subscribers on the channel.
// Reports the publish latency (publish -> publish_success, which on a history namespace includes
// the store's append and this node's own copy coming back), the publish-to-receive latency and the
// server's CPU time per delivery. Variants run interleaved, `rounds` times; compare within a run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createSwitchboard, parseConfig, createLogger } from '../packages/server/dist/index.js';

const total = Number(process.argv[2] ?? 2000);
const subscribers = Number(process.argv[3] ?? 50);
const rounds = Number(process.argv[4] ?? 3);
const KEY = 'da2-benchmarkbenchmarkbench01';
const dir = mkdtempSync(join(tmpdir(), 'history-bench-'));
const prefix = `hbench${process.pid}`;
const history = { size: 1000, ttlMs: 600_000 };
const variants = {
  'memory broker': { broker: { type: 'memory' } },
  'memory + memory history': { broker: { type: 'memory' }, history },
  'memory + SQLite history': { broker: { type: 'memory' }, history, store: { store: 'sqlite', path: join(dir, 'h.db') } },
  'Redis broker': { broker: { type: 'redis', prefix } },
  'Redis + Streams history': { broker: { type: 'redis', prefix }, history },
  'NATS broker': { broker: { type: 'nats', prefix } },
  'NATS + JetStream history': { broker: { type: 'nats', prefix }, history },
};

function connect(url) {
  const header = 'header-' + Buffer.from(JSON.stringify({ 'x-api-key': KEY })).toString('base64url');
  const ws = new WebSocket(url, ['aws-appsync-event-ws', header], { perMessageDeflate: false });
  return new Promise((resolve, reject) => { ws.once('open', () => resolve(ws)); ws.once('error', reject); });
}

function once(ws, match) {
  return new Promise((resolve) => {
    const on = (data) => {
      const text = data.toString();
      if (match(text)) { ws.off('message', on); resolve(text); }
    };
    ws.on('message', on);
  });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function run(name, v) {
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    log: { level: 'error' },
    auth: { apiKeys: [{ key: KEY }] },
    namespaces: [{ name: 'bench', ...(v.history ? { history: v.history } : {}) }],
    limits: { publishesPerSecond: 100000 },
    broker: v.broker,
    ...(v.store ? { history: v.store } : {}),
  }, 'bench');
  const sb = await createSwitchboard(config, { logger: createLogger({ level: 'error' }) });
  const { realtimeUrl } = await sb.listen();
  const subs = await Promise.all(Array.from({ length: subscribers }, () => connect(realtimeUrl)));
  const received = [];
  let count = 0;
  for (const [i, ws] of subs.entries()) {
    ws.send(JSON.stringify({ type: 'subscribe', id: `s${i}`, channel: '/bench/room', authorization: { 'x-api-key': KEY } }));
    await once(ws, (t) => t.includes('subscribe_success'));
    ws.on('message', (data) => {
      const text = data.toString();
      const at = text.indexOf('t\\":');
      if (at < 0) return;
      count++;
      if (i === 0) received.push(performance.now() - Number(text.slice(at + 4, text.indexOf(',', at))));
    });
  }
  const publisher = await connect(realtimeUrl);
  const acks = [];
  const cpu0 = process.cpuUsage();
  for (let n = 0; n < total; n++) {
    const sent = performance.now();
    const event = JSON.stringify({ t: sent, p: 'x'.repeat(64) });
    publisher.send(JSON.stringify({ type: 'publish', id: `p${n}`, channel: '/bench/room', events: [event], authorization: { 'x-api-key': KEY } }));
    const reply = await once(publisher, (t) => t.includes(`"p${n}"`));
    if (!reply.includes('publish_success')) throw new Error(`${name}: ${reply}`);
    acks.push(performance.now() - sent);
  }
  const deadline = Date.now() + 10_000;
  while (count < total * subscribers && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const cpu = process.cpuUsage(cpu0);
  for (const ws of [publisher, ...subs]) ws.terminate();
  await sb.close();
  acks.sort((a, b) => a - b);
  received.sort((a, b) => a - b);
  return { name, ackP50: quantile(acks, 0.5), ackP99: quantile(acks, 0.99), recvP50: quantile(received, 0.5), cpuUsPerDelivery: (cpu.user + cpu.system) / count, delivered: count / (total * subscribers) };
}

const results = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, v] of Object.entries(variants)) {
    const r = await run(name, v);
    (results[name] ??= []).push(r);
    process.stderr.write(`round ${round + 1} ${name}: ack p50 ${r.ackP50.toFixed(3)} ms, p99 ${r.ackP99.toFixed(3)} ms, receive p50 ${r.recvP50.toFixed(3)} ms, ${r.cpuUsPerDelivery.toFixed(2)} µs CPU/delivery (process), delivered ${(100 * r.delivered).toFixed(1)} %\n`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\n${total} publishes, ${subscribers} subscribers, median of ${rounds} rounds (CPU: the whole process, load generator included)\n`);
console.log('| variant | publish -> success p50 | p99 | publish -> receive p50 | CPU µs / delivery |');
console.log('|---|---:|---:|---:|---:|');
for (const [name, rs] of Object.entries(results)) {
  console.log(`| ${name} | ${median(rs.map((r) => r.ackP50)).toFixed(3)} ms | ${median(rs.map((r) => r.ackP99)).toFixed(3)} ms | ${median(rs.map((r) => r.recvP50)).toFixed(3)} ms | ${median(rs.map((r) => r.cpuUsPerDelivery)).toFixed(2)} |`);
}
rmSync(dir, { recursive: true, force: true });
process.exit(0);

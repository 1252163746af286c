// What a handler adds per publish: no handler, code handler (worker), function (inline), function (worker).
// Usage: npm run build && node bench/handler-overhead.mjs [publishes=3000] [concurrency=8]
// Each mode: one server, one subscriber; `concurrency` publishers each await every publish_success.
// Reports publishes/s and mean latency; compare the ratios, absolute numbers are machine-dependent.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { Switchboard, parseConfig, createLogger } from '../packages/server/dist/index.js';

const total = Number(process.argv[2] ?? 3000);
const concurrency = Number(process.argv[3] ?? 8);
const KEY = 'da2-benchmarkbenchmarkbench01';
const dir = fileURLToPath(new URL('../packages/server/.test-handlers/bench/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
const code = join(dir, 'code.js');
writeFileSync(code, 'export function onPublish(ctx) { return ctx.events.map((e) => ({ id: e.id, payload: { ...e.payload, ok: true } })); }\n');
const fn = join(dir, 'fn.mjs');
writeFileSync(fn, 'export const handler = async (event) => ({ events: event.events.map((e) => ({ id: e.id, payload: { ...e.payload, ok: true } })) });\n');

const modes = {
  'no handler': {},
  'code handler (worker)': { code },
  'code handler (inline)': { code: { file: code, runtime: 'inline' } },
  'function (inline)': { onPublish: { function: fn, runtime: 'inline' } },
  'function (worker)': { onPublish: { function: fn } },
};

function connect(url) {
  const header = 'header-' + Buffer.from(JSON.stringify({ 'x-api-key': KEY })).toString('base64url');
  const ws = new WebSocket(url, ['aws-appsync-event-ws', header]);
  return new Promise((resolve, reject) => { ws.once('open', () => resolve(ws)); ws.once('error', reject); });
}

async function run(name, ns) {
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    auth: { apiKeys: [{ key: KEY }] },
    namespaces: [{ name: 'bench', ...ns }],
    limits: { publishesPerSecond: 1_000_000, pendingOperations: 1_000_000 },
    log: { level: 'error' },
  }, 'bench');
  const server = new Switchboard(config, { logger: createLogger({ level: 'error' }) });
  const { realtimeUrl } = await server.listen();
  const subscriber = await connect(realtimeUrl);
  let received = 0;
  subscriber.on('message', (d) => { if (d.toString().startsWith('{"type":"data"')) received++; });
  subscriber.send(JSON.stringify({ type: 'subscribe', id: 's', channel: '/bench/x', authorization: { 'x-api-key': KEY } }));
  await new Promise((r) => subscriber.once('message', r));
  const publishers = await Promise.all(Array.from({ length: concurrency }, () => connect(realtimeUrl)));
  const per = Math.ceil(total / concurrency);
  // Warm-up: load the handler module, start the worker.
  await Promise.all(publishers.map((ws, i) => publishLoop(ws, `w${i}`, 20)));
  const latencies = [];
  const started = process.hrtime.bigint();
  await Promise.all(publishers.map((ws, i) => publishLoop(ws, `p${i}`, per, latencies)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const deadline = Date.now() + 5000;
  while (received < (per + 20) * concurrency && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  for (const ws of [subscriber, ...publishers]) ws.close();
  await server.close();
  return { name, rate: (per * concurrency) / seconds, mean, p99: latencies[Math.floor(latencies.length * 0.99)], received };
}

function publishLoop(ws, prefix, count, latencies) {
  return new Promise((resolve) => {
    let n = 0;
    let sentAt = 0;
    const next = () => {
      if (n === count) { ws.off('message', onMessage); return resolve(); }
      sentAt = performance.now();
      ws.send(JSON.stringify({ type: 'publish', id: `${prefix}-${n}`, channel: '/bench/x', events: ['{"n":1}'], authorization: { 'x-api-key': KEY } }));
    };
    const onMessage = (data) => {
      const text = data.toString();
      if (!text.includes(`"id":"${prefix}-${n}"`)) return;
      if (!text.startsWith('{"type":"publish_success"')) throw new Error(text);
      latencies?.push(performance.now() - sentAt);
      n++;
      next();
    };
    ws.on('message', onMessage);
    next();
  });
}

await run('JIT warm-up (discarded)', {});
const results = [];
for (const [name, ns] of Object.entries(modes)) results.push(await run(name, ns));
const base = results[0].rate;
console.log(`node ${process.version}, ${total} publishes, ${concurrency} publishers, 1 subscriber`);
console.log('mode                      publishes/s  vs none  mean ms  p99 ms');
for (const r of results) {
  console.log(`${r.name.padEnd(26)}${r.rate.toFixed(0).padStart(11)}  ${(r.rate / base).toFixed(2).padStart(7)}  ${r.mean.toFixed(3).padStart(7)}  ${r.p99.toFixed(3).padStart(6)}`);
}
rmSync(dir, { recursive: true, force: true });
process.exit(0);

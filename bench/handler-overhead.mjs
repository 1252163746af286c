// What a handler adds per publish: no handler, code handler (worker), function (inline), function (worker).
// Usage: npm run build && node bench/handler-overhead.mjs [publishes=3000] [concurrency=8]
// Each mode: one server, one subscriber; `concurrency` publishers each await every publish_success.
// Reports publishes/s and mean latency; compare the ratios, absolute numbers are machine-dependent.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measurePublishes } from './lib/ws-publishers.mjs';
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

async function run(name, ns) {
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    auth: { apiKeys: [{ key: KEY }] },
    namespaces: [{ name: 'bench', ...ns }],
    limits: { publishesPerSecond: 1_000_000, messagesPerSecond: 1_000_000, pendingOperations: 1_000_000 },
    log: { level: 'error' },
  }, 'bench');
  const server = new Switchboard(config, { logger: createLogger({ level: 'error' }) });
  const { realtimeUrl } = await server.listen();
  const result = await measurePublishes(realtimeUrl, { key: KEY, channel: '/bench/x', event: '{"n":1}', total, concurrency });
  await server.close();
  return { name, ...result };
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

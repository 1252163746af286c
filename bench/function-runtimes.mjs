// Per-invocation overhead of a warm function, by runtime: a worker-thread JS handler, an inline JS
// handler (the floor), and a Python handler in a process speaking the Lambda Runtime API.
// Usage: npm run build && node bench/function-runtimes.mjs [calls=2000] [rounds=3] [parallel=4]
// Each handler echoes its event's events. Calls go straight to the FunctionService's invoker (no
// WebSocket, no broker), so the numbers are what the runtime adds to every publish. Modes are
// interleaved round by round; compare the ratios, absolute numbers are machine-dependent.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FunctionService } from '../packages/server/dist/functions/service.js';
import { createLogger } from '../packages/server/dist/index.js';

const calls = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 3);
const parallel = Number(process.argv[4] ?? 4);
const dir = fileURLToPath(new URL('../packages/server/.test-handlers/bench-runtimes/', import.meta.url));
mkdirSync(dir, { recursive: true });
const js = join(dir, 'echo.mjs');
writeFileSync(js, 'export const handler = async (event) => ({ events: event.events });\n');
const py = join(dir, 'echo.py');
writeFileSync(py, 'def handler(event, context):\n    return {"events": event["events"]}\n');

const service = new FunctionService({ log: createLogger({ level: 'error' }) });
const base = { memoryMb: 256, retries: 0 };
const modes = {
  'JS, worker thread': service.get({ ...base, concurrency: 1, function: js }, { option: 'worker', kind: 'function' }),
  'JS, inline': service.get({ ...base, concurrency: 1, function: js, runtime: 'inline' }, { option: 'inline', kind: 'function' }),
  'Python, Runtime API process': service.get({ ...base, concurrency: parallel, function: py }, { option: 'python', kind: 'function' }),
};
await service.start();

const event = { info: { operation: 'PUBLISH' }, events: [{ id: '5f7dfbd1-b8ff-4c20-924e-23b42db467a0', payload: { text: 'hello', n: 1 } }] };
let seq = 0;
const call = (invoker) => invoker.invoke({ kind: 'function', operation: 'onPublish', payload: event, requestId: `r${++seq}`, functionName: 'echo', deadline: Date.now() + 10_000, tags: {} });

async function sequential(invoker, n) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await call(invoker);
  return Number(process.hrtime.bigint() - started) / 1e6 / n;
}

async function concurrent(invoker, n, width) {
  const started = process.hrtime.bigint();
  let left = n;
  await Promise.all(Array.from({ length: width }, async () => { while (left-- > 0) await call(invoker); }));
  return n / (Number(process.hrtime.bigint() - started) / 1e9);
}

for (const invoker of Object.values(modes)) await sequential(invoker, 100); // warm: modules loaded, processes started
const results = Object.fromEntries(Object.keys(modes).map((name) => [name, { latency: [], throughput: [] }]));
for (let round = 0; round < rounds; round++) {
  for (const [name, invoker] of Object.entries(modes)) {
    results[name].latency.push(await sequential(invoker, calls));
    results[name].throughput.push(await concurrent(invoker, calls, parallel));
  }
}
await service.close();
rmSync(dir, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const worker = median(results['JS, worker thread'].latency);
console.log(`calls=${calls} rounds=${rounds} parallel=${parallel} (Python: ${parallel} processes)`);
console.log('runtime                       | ms per call, one at a time (median) | x worker | calls/s, ' + parallel + ' at a time (median)');
for (const [name, r] of Object.entries(results)) {
  const ms = median(r.latency);
  console.log(`${name.padEnd(29)} | ${ms.toFixed(3).padStart(35)} | ${(ms / worker).toFixed(1).padStart(8)} | ${Math.round(median(r.throughput)).toString().padStart(10)}`);
}

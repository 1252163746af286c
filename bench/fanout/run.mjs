// Fan-out benchmark: Switchboard side by side with Socket.IO, a raw `ws` broadcast loop and raw
// uWebSockets.js `app.publish`, in one run on one machine. See docs/performance.md.
//
//   node bench/fanout/run.mjs [--quick] [--subscribers 1000,10000] [--rate 1000:20,10000:2]
//        [--payload 100,10240] [--publish ws,http] [--channel exact,wildcard]
//        [--servers switchboard,socket.io,ws,uws (also ws-concat, uws-send, switchboard-redis, switchboard-nats,
//                   switchboard-history-{memory,sqlite,redis,nats}: the cost of history, docs/history.md)] [--seconds 8] [--warmup 1] [--batch 250] [--repeat 1]
//        [--profile DIR] [--out DIR]
//
// Each server runs as its own process pinned to CPU 1 (`taskset -c 1`); this load generator
// re-executes itself pinned to CPU 0. Per server and scenario it reports server CPU time per
// delivered message (/proc/<pid>/stat utime+stime over the measured window / deliveries), RSS per
// idle subscribed connection ((RSS with N subscribers - RSS at start) / N), publish-to-receive
// latency p50/p99/max (the event carries its send time; one process, one clock), and
// delivered/expected. Everything binds to 127.0.0.1; every wait is bounded; it stops by itself.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TARGETS } from './lib/targets.mjs';
import { RAISE_NOFILE, affinity, cpuSeconds, freePort, rssBytes, sleep, spawnPinned, stop, waitReady } from './lib/proc.mjs';
import { report } from './lib/report.mjs';

const SERVER_CORE = 1;
const LOAD_CORE = 0;
const here = fileURLToPath(new URL('.', import.meta.url));

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    subscribers: { type: 'string', default: '1000,10000' },
    rate: { type: 'string', default: '1000:20,10000:2' },
    payload: { type: 'string', default: '100,10240' },
    publish: { type: 'string', default: 'ws,http' },
    channel: { type: 'string', default: 'exact,wildcard' },
    servers: { type: 'string', default: 'switchboard,socket.io,ws,uws' },
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '1' },
    batch: { type: 'string', default: '250' },
    repeat: { type: 'string', default: '1' },
    profile: { type: 'string' },
    out: { type: 'string', default: join(here, 'results') },
  },
});

function list(s) {
  return s.split(',').map((x) => x.trim()).filter(Boolean);
}

function rateFor(n) {
  const spec = list(opts.rate);
  if (spec.length === 1 && !spec[0].includes(':')) return Number(spec[0]);
  const pairs = spec.map((p) => p.split(':').map(Number)).sort((a, b) => a[0] - b[0]);
  // The rate given for the largest subscriber count not above n (or the smallest given).
  let rate = pairs[0][1];
  for (const [count, r] of pairs) if (count <= n) rate = r;
  return rate;
}

const nowUs = () => performance.now() * 1000;

/** The event a publisher sends: `{"t":<send µs>,"p":"xxx…"}`, `size` bytes long. */
function makeEvent(size) {
  const t = Math.round(nowUs());
  const head = `{"t":${t},"p":"`;
  return head + 'x'.repeat(Math.max(0, size - head.length - 2)) + '"}';
}

async function main() {
  if (opts.quick) {
    opts.subscribers = '1000';
    opts.payload = '100';
    opts.publish = 'ws';
    opts.channel = 'exact';
  }
  if (opts.profile && !process.argv.includes('--servers')) opts.servers = 'switchboard';
  const plan = {
    subscribers: list(opts.subscribers).map(Number),
    payloads: list(opts.payload).map(Number),
    publish: list(opts.publish),
    channels: list(opts.channel),
    servers: list(opts.servers),
    seconds: Number(opts.seconds),
    warmup: Number(opts.warmup),
    batch: Number(opts.batch),
    repeat: Number(opts.repeat),
  };
  for (const s of plan.servers) if (!TARGETS[s]) throw new Error(`unknown server ${s}; known: ${Object.keys(TARGETS).join(', ')}`);
  const started = new Date();
  const machine = {
    cpus: cpus().length,
    cpuModel: /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '?',
    node: process.version,
    loadAverageAtStart: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    loadGeneratorCpus: affinity(process.pid),
    commit: git(['rev-parse', '--short', 'HEAD']) + (git(['status', '--porcelain', '--', 'packages']) ? ' (+ uncommitted changes under packages/)' : ''),
  };
  log(`fan-out benchmark: ${JSON.stringify(plan)}`);
  log(`machine: ${JSON.stringify(machine)}`);
  const rows = [];
  const idle = [];
  for (const n of plan.subscribers) {
    for (const server of plan.servers) {
      const target = TARGETS[server];
      for (const kind of plan.channels) {
        if (kind === 'wildcard' && !target.wildcard) {
          log(`${server}: no wildcard subscriptions, skipping the wildcard scenario`);
          continue;
        }
        const result = await runServer(target, n, kind, plan);
        idle.push(result.idle);
        rows.push(...result.rows);
      }
    }
  }
  machine.loadAverageAtEnd = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const command = `node bench/fanout/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
  const result = { started: started.toISOString(), seconds: (Date.now() - started.getTime()) / 1000, command, machine, plan, rates: Object.fromEntries(plan.subscribers.map((n) => [n, rateFor(n)])), idle, rows };
  const markdown = report(result);
  mkdirSync(opts.out, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(opts.out, `fanout-${stamp}.json`), JSON.stringify(result, null, 2));
  writeFileSync(join(opts.out, `fanout-${stamp}.md`), markdown);
  process.stdout.write('\n' + markdown + '\n');
  log(`wrote ${join(opts.out, `fanout-${stamp}.{json,md}`)} after ${result.seconds.toFixed(0)} s`);
}

function git(args) {
  try {
    return execFileSync('git', args, { cwd: here, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

function log(message) {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** One server process: N idle subscribers (RSS per connection), then every publish path x payload. */
async function runServer(target, n, kind, plan) {
  const port = await freePort();
  const dir = join(opts.out, 'tmp');
  const profileDir = opts.profile;
  const child = spawnPinned(SERVER_CORE, target.argv(port, { dir, profileDir }));
  let stderr = '';
  let stdoutReady = false;
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => (stdoutReady ||= d.toString().includes('ready')));
  const clients = [];
  try {
    await waitReady(child, target.ready ? () => target.ready(port) : async () => stdoutReady);
    const pid = child.pid;
    const pinned = affinity(pid);
    await sleep(500);
    const rss0 = rssBytes(pid);
    const state = { startT: Infinity, count: 0, warm: 0, lat: new Float64Array(0) };
    const onDelivery = (t) => {
      if (t >= state.startT) {
        if (state.count < state.lat.length) state.lat[state.count] = nowUs() - t;
        state.count++;
      } else state.warm++;
    };
    let closed = 0;
    const connectStart = Date.now();
    for (let i = 0; i < n; i += plan.batch) {
      const batch = Array.from({ length: Math.min(plan.batch, n - i) }, () => target.subscribe(port, kind, onDelivery));
      for (const ws of await Promise.all(batch)) {
        ws.on('close', () => closed++);
        clients.push(ws);
      }
    }
    const connectSeconds = (Date.now() - connectStart) / 1000;
    await sleep(2000);
    const rss1 = rssBytes(pid);
    const idle = { server: target.name, subscribers: n, channel: kind, rssStartBytes: rss0, rssIdleBytes: rss1, rssPerConnBytes: (rss1 - rss0) / n, connectSeconds, serverCpus: pinned };
    log(`${target.name} ${n} ${kind}: ${n} subscribed in ${connectSeconds.toFixed(1)} s, RSS ${(rss0 / 2 ** 20).toFixed(1)} -> ${(rss1 / 2 ** 20).toFixed(1)} MiB (${(idle.rssPerConnBytes / 1024).toFixed(1)} KiB/conn), server on CPU ${pinned}`);
    const rows = [];
    for (let rep = 1; rep <= plan.repeat; rep++) for (const via of plan.publish) {
      for (const size of plan.payloads) {
        const row = await runWindow(target, port, pid, state, n, kind, via, size, plan);
        row.repetition = rep;
        row.closedSubscribers = closed;
        rows.push(row);
        log(`  ${via} ${size} B @ ${row.rate}/s: ${row.cpuUsPerDelivery.toFixed(2)} µs CPU/delivery, p50 ${row.p50Ms.toFixed(2)} p99 ${row.p99Ms.toFixed(2)} max ${row.maxMs.toFixed(2)} ms, ${row.delivered}/${row.expected}${row.publishErrors ? `, ${row.publishErrors} publish errors` : ''}${closed ? `, ${closed} subscribers closed` : ''}`);
      }
    }
    return { idle, rows };
  } catch (err) {
    throw new Error(`${target.name} (${n} subscribers, ${kind}): ${err.message}${stderr ? `\nserver stderr:\n${stderr.slice(-2000)}` : ''}`, { cause: err });
  } finally {
    await stop(child);
    for (const ws of clients) ws.terminate();
    if (stderr.trim()) log(`${target.name} stderr: ${stderr.trim().slice(-500)}`);
  }
}

/** Warm-up, then `rate` publishes per second for `seconds`, then waits (bounded) for every delivery. */
async function runWindow(target, port, pid, state, n, kind, via, size, plan) {
  const rate = rateFor(n);
  const publisher = await target.publisher(port, via);
  const period = 1000 / rate;
  const publishAt = async (count) => {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const wait = t0 + i * period - performance.now();
      if (wait > 0) await sleep(wait);
      publisher.send(makeEvent(size));
    }
  };
  // Warm-up: the same workload, not measured, so the hot path is compiled before the window.
  const warm = Math.max(2, Math.round(rate * plan.warmup));
  state.startT = Infinity;
  state.warm = 0;
  await publishAt(warm);
  const warmDeadline = Date.now() + 10_000;
  while (state.warm < warm * n && Date.now() < warmDeadline) await sleep(20);
  await sleep(200);

  const count = Math.round(rate * plan.seconds);
  const expected = count * n;
  state.lat = new Float64Array(expected);
  state.count = 0;
  state.startT = nowUs();
  const cpu0 = cpuSeconds(pid);
  const wall0 = performance.now();
  await publishAt(count);
  const deadline = Date.now() + 15_000;
  while (state.count < expected && Date.now() < deadline) await sleep(5);
  const cpu1 = cpuSeconds(pid);
  const wall = (performance.now() - wall0) / 1000;
  publisher.close();
  const lat = state.lat.subarray(0, Math.min(state.count, expected)).sort();
  const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.ceil((p / 100) * lat.length) - 1)] / 1000 : NaN);
  return {
    server: target.name,
    subscribers: n,
    channel: kind,
    publish: via,
    payloadBytes: size,
    rate,
    publishes: count,
    expected,
    delivered: state.count,
    publishErrors: publisher.errors,
    serverCpuSeconds: cpu1 - cpu0,
    windowSeconds: wall,
    cpuUsPerDelivery: state.count ? ((cpu1 - cpu0) * 1e6) / state.count : NaN,
    p50Ms: pct(50),
    p99Ms: pct(99),
    maxMs: lat.length ? lat[lat.length - 1] / 1000 : NaN,
  };
}

if (process.env.FANOUT_BENCH_PINNED !== '1') {
  // Re-run this script as the load generator, pinned to its own core with a raised fd limit.
  const child = spawn('bash', ['-c', `${RAISE_NOFILE}; exec taskset -c ${LOAD_CORE} "$@"`, 'bench', process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, FANOUT_BENCH_PINNED: '1' },
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  await main();
}

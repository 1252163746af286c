// Memory with stalled subscribers: N WebSocket clients subscribe to one channel and then never
// read; one publisher sends events of SIZE bytes as fast as the server answers. Reports the
// server's RSS over time (peak, at the end of publishing, and after a quiet period), how many
// subscribers the server cut (switchboard_disconnects_total{reason="slow_consumer"}), and the
// time taken. Run on purpose, never in the test suite (docs/security.md has the figures).
//
//   node bench/stalled-subscribers.mjs [--subscribers 1000] [--events 4000] [--size 1500]
//        [--repo DIR] [--legacy] [--quiet-seconds 10] [--waves 2] [--limits '{"sendBufferTotalBytes":...}']
//
// Each wave connects N new stalled subscribers and publishes again: a second wave that peaks no
// higher than the first shows that what the cut subscribers held was released and reused.
//
// --repo runs the server of another checkout (built with `npx tsc -b`), to compare before and
// after; --legacy leaves out limits that checkout does not know (messagesPerSecond).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { freePort, rssBytes, sleep, spawnPinned, stop, waitReady } from './fanout/lib/proc.mjs';

const { values: opts } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '1000' },
    events: { type: 'string', default: '4000' },
    size: { type: 'string', default: '1500' },
    repo: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
    legacy: { type: 'boolean', default: false },
    'quiet-seconds': { type: 'string', default: '10' },
    waves: { type: 'string', default: '2' },
    limits: { type: 'string', default: '{}' },
  },
});
const SUBSCRIBERS = Number(opts.subscribers);
const EVENTS = Number(opts.events);
const KEY = 'da2-stalledsubscribersbench000001';

const dir = mkdtempSync(join(tmpdir(), 'sb-stalled-'));
const config = join(dir, 'switchboard.yaml');
const limits = { publishesPerSecond: 100000, pendingOperations: 100000, ...(opts.legacy ? {} : { messagesPerSecond: 100000 }), ...JSON.parse(opts.limits) };
writeFileSync(config, ['server: { host: 127.0.0.1, port: 0 }', 'log: { level: error }', `auth: { apiKeys: [{ key: ${KEY} }] }`, 'namespaces: [{ name: bench }]', `limits: ${JSON.stringify(limits)}`, ''].join('\n'));
const port = await freePort();
const server = spawnPinned(1, [process.execPath, join(opts.repo, 'packages/server/bin/switchboard.js'), 'start', '--config', config, '--port', String(port), '--host', '127.0.0.1']);
server.stderr.pipe(process.stderr);
const http = `http://127.0.0.1:${port}`;
await waitReady(server, async () => (await fetch(`${http}/healthz`)).status === 200);

const protocols = ['aws-appsync-event-ws', 'header-' + Buffer.from(JSON.stringify({ host: '127.0.0.1', 'x-api-key': KEY })).toString('base64url')];
function open(onFrame) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/event/realtime`, protocols);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.on('message', (data) => onFrame?.(ws, data.toString()));
  });
}

const rssAtStart = rssBytes(server.pid);
const event = JSON.stringify({ text: 'x'.repeat(Math.max(0, Number(opts.size) - 11)) });
const subscribers = [];
const waves = [];
for (let wave = 1; wave <= Number(opts.waves); wave++) waves.push(await runWave(wave));

/** Subscribes N clients that then stop reading, publishes EVENTS events, waits the quiet period. */
async function runWave(wave) {
  for (let i = 0; i < SUBSCRIBERS; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, SUBSCRIBERS - i) }, async (_, j) => {
      let ready;
      const subscribed = new Promise((r) => (ready = r));
      const ws = await open((_ws, text) => text.includes('"type":"subscribe_success"') && ready());
      ws.send(JSON.stringify({ type: 'subscribe', id: `s${i + j}`, channel: '/bench/room', authorization: { 'x-api-key': KEY } }));
      await subscribed;
      // ws.pause(), not ws._socket.pause(): ws resumes its socket whenever its receiver drains
      // unless the WebSocket itself is paused, and the subscriber would read after all.
      ws.pause();
      subscribers.push(ws);
    }));
  }
  const subscribed = rssBytes(server.pid);
  let peak = subscribed;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(server.pid))), 100);
  const pending = new Map();
  const publisher = await open((_ws, text) => {
    const id = /"id":"(p\d+)"/.exec(text)?.[1];
    if (id !== undefined) pending.get(id)?.(text), pending.delete(id);
  });
  const started = Date.now();
  let sent = 0;
  const publishLoop = async () => {
    while (sent < EVENTS) {
      const id = `p${sent}`;
      sent += 5;
      const answer = new Promise((r) => pending.set(id, r));
      publisher.send(JSON.stringify({ type: 'publish', id, channel: '/bench/room', events: [event, event, event, event, event], authorization: { 'x-api-key': KEY } }));
      const text = await answer;
      if (!text.includes('"type":"publish_success"')) throw new Error(text);
    }
  };
  await Promise.all(Array.from({ length: 8 }, publishLoop));
  const publishMs = Date.now() - started;
  const ended = rssBytes(server.pid);
  await sleep(Number(opts['quiet-seconds']) * 1000);
  clearInterval(sampler);
  publisher.terminate();
  return { wave, subscribed, peak, ended, quiet: rssBytes(server.pid), publishMs, sent };
}

const metrics = await (await fetch(`${http}/metrics`)).text();
const cut = Number(/switchboard_disconnects_total\{reason="slow_consumer"\} (\d+)/.exec(metrics)?.[1] ?? 0);
const disconnects = Object.fromEntries([...metrics.matchAll(/switchboard_disconnects_total\{reason="(\w+)"\} (\d+)/g)].map((m) => [m[1], Number(m[2])]));
const queuedBytes = Number(/switchboard_outbound_queued_bytes (\d+)/.exec(metrics)?.[1] ?? 0);

for (const ws of subscribers) ws.terminate();
await stop(server);

const mib = (b) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
console.log(JSON.stringify({ subscribers: SUBSCRIBERS, events: EVENTS, eventBytes: event.length, limits, rssAtStart: mib(rssAtStart), cut, disconnects, queuedBytesAtEnd: queuedBytes }));
console.table(Object.fromEntries(waves.map((w) => [`wave ${w.wave}`, {
  [`RSS, ${SUBSCRIBERS} subscribed`]: mib(w.subscribed),
  'RSS peak': mib(w.peak),
  'RSS, publishing ended': mib(w.ended),
  [`RSS ${opts['quiet-seconds']} s later`]: mib(w.quiet),
  'publishing took': `${w.publishMs} ms`,
}])));

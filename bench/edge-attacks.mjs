// Cheap attacks on the edge, measured on a server process: what each costs the server (CPU time
// from /proc), how long it takes, and how /healthz answers meanwhile. Run on purpose, never in the
// test suite; docs/security.md has the figures.
//
//   node bench/edge-attacks.mjs [--repo DIR] [--legacy] [--only nesting-http,nesting-ws,invalid-frames,pipelined]
//
// - nesting-http: 40 concurrent POST /event of a 1.2 MB body nested 600,000 levels deep, without
//   credentials and then with a valid API key.
// - nesting-ws: 30 WebSocket frames of 1.2 MB nested 600,000 levels deep.
// - invalid-frames: 50,000 tiny invalid frames on one WebSocket; bytes answered, time to the end.
// - pipelined: one WebSocket sends 60 publishes of 1 MB at once to a namespace whose handler takes
//   3 s each; the server's peak RSS growth is what one connection can make it hold.
// --repo runs the server of another checkout (built with `npx tsc -b`), to compare before and
// after; --legacy leaves out limits that checkout does not know.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { cpuSeconds, freePort, rssBytes, sleep, spawnPinned, stop, waitReady } from './fanout/lib/proc.mjs';

const { values: opts } = parseArgs({
  options: {
    repo: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
    legacy: { type: 'boolean', default: false },
    only: { type: 'string', default: 'nesting-http,nesting-ws,invalid-frames,pipelined' },
  },
});
const KEY = 'da2-edgeattacksbench0000000000001';
const dir = mkdtempSync(join(tmpdir(), 'sb-attacks-'));
const config = join(dir, 'switchboard.yaml');
// A handler that holds each publish for 3 s, so that a client's pipelined publishes queue up.
writeFileSync(join(dir, 'slow.mjs'), 'export const handler = async (event) => { await new Promise((r) => setTimeout(r, 3000)); return { events: event.events }; };\n');
writeFileSync(config, [
  'server: { host: 127.0.0.1, port: 0 }',
  'log: { level: error }',
  `auth: { apiKeys: [{ key: ${KEY} }] }`,
  'namespaces: [{ name: bench }, { name: slow, onPublish: { function: ./slow.mjs, runtime: inline } }]',
  'limits: { publishesPerSecond: 1000 }',
  '',
].join('\n'));
const port = await freePort();
const server = spawnPinned(1, [process.execPath, join(opts.repo, 'packages/server/bin/switchboard.js'), 'start', '--config', config, '--port', String(port), '--host', '127.0.0.1']);
const http = `http://127.0.0.1:${port}`;
await waitReady(server, async () => (await fetch(`${http}/healthz`)).status === 200);
const protocols = ['aws-appsync-event-ws', 'header-' + Buffer.from(JSON.stringify({ host: '127.0.0.1', 'x-api-key': KEY })).toString('base64url')];

/** Runs `attack` while probing /healthz every 100 ms; returns server CPU seconds, wall ms and the slowest probe. */
async function measure(name, attack) {
  let slowest = 0;
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const t = Date.now();
      await fetch(`${http}/healthz`).then((r) => r.text()).catch(() => undefined);
      slowest = Math.max(slowest, Date.now() - t);
      await sleep(100);
    }
  })();
  const cpu0 = cpuSeconds(server.pid);
  const t0 = Date.now();
  const detail = await attack();
  const wallMs = Date.now() - t0;
  await sleep(200);
  const cpu = cpuSeconds(server.pid) - cpu0;
  probing = false;
  await probe;
  return { attack: name, 'server CPU s': cpu.toFixed(2), 'wall ms': wallMs, 'slowest /healthz ms': slowest, ...detail };
}

const nested = (depth) => '['.repeat(depth) + ']'.repeat(depth);
const results = [];
const only = new Set(opts.only.split(','));

if (only.has('nesting-http')) {
  const body = `{"channel":"/bench/a","events":["1"],"x":${nested(600_000)}}`;
  for (const [label, headers] of [['no credentials', {}], ['valid API key', { 'x-api-key': KEY }]]) {
    results.push(await measure(`40 x 1.2 MB nested POST /event, ${label}`, async () => {
      const statuses = await Promise.all(Array.from({ length: 40 }, () => fetch(`${http}/event`, { method: 'POST', headers, body }).then((r) => (r.text(), r.status)).catch(() => 'reset')));
      return { answers: [...new Set(statuses)].join(' ') };
    }));
  }
}

if (only.has('nesting-ws')) {
  results.push(await measure('30 x 1.2 MB nested WebSocket frames', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/event/realtime`, protocols);
    await new Promise((r) => ws.once('open', r));
    const frame = `{"type":"publish","id":"n","channel":"/bench/a","events":["1"],"x":${nested(600_000)}}`;
    let answers = 0;
    const done = new Promise((resolve) => {
      ws.on('message', () => ++answers === 30 && resolve());
      ws.on('close', resolve);
    });
    for (let i = 0; i < 30; i++) ws.send(frame);
    await done;
    ws.terminate();
    return { answers };
  }));
}

if (only.has('invalid-frames')) {
  results.push(await measure('50,000 tiny invalid frames', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/event/realtime`, protocols);
    await new Promise((r) => ws.once('open', r));
    let answers = 0;
    let bytes = 0;
    let closeCode = 'open';
    const done = new Promise((resolve) => {
      ws.on('message', (d) => {
        bytes += d.length;
        if (++answers === 50_000) resolve();
      });
      ws.on('close', (code) => ((closeCode = code), resolve()));
    });
    for (let i = 0; i < 50_000; i++) ws.send('x');
    await done;
    ws.terminate();
    return { answers, 'bytes answered': bytes, close: closeCode };
  }));
}

if (only.has('pipelined')) {
  results.push(await measure('60 x 1 MB publishes pipelined behind a slow handler', async () => {
    const before = rssBytes(server.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(server.pid))), 50);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/event/realtime`, protocols);
    await new Promise((r) => ws.once('open', r));
    const event = JSON.stringify('m'.repeat(1024 * 1024 - 100));
    for (let i = 0; i < 60; i++) ws.send(JSON.stringify({ type: 'publish', id: `m${i}`, channel: '/slow/a', events: [event], authorization: { 'x-api-key': KEY } }));
    await sleep(4000);
    clearInterval(sampler);
    ws.terminate();
    return { 'peak RSS growth MiB': ((peak - before) / 1024 / 1024).toFixed(0) };
  }));
}

await stop(server);
console.table(results);

// The servers under test: how to start each one, and its client side (subscribe, publish).
// Every subscriber is a `ws` client; a frame is a delivery when its first bytes hold the event's
// `\"t\":<send time>` (every server here carries the event as a JSON string, so it is escaped).
import { createServer, request, Agent } from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { io as ioClient } from 'socket.io-client';

const here = fileURLToPath(new URL('..', import.meta.url));
const repo = join(here, '..', '..');
const KEY = 'da2-fanoutbenchfanoutbench01';
const TOPIC = 'bench/room';
const CLIENT_OPTIONS = { perMessageDeflate: false, skipUTF8Validation: true, maxPayload: 64 << 20 };
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** The send time (µs) embedded in a delivered frame, or -1 for a frame that is not a delivery. */
export function sendTime(data) {
  const head = data.toString('latin1', 0, 96);
  const i = head.indexOf('t\\":');
  if (i < 0) return -1;
  return parseInt(head.slice(i + 4, i + 24), 10);
}

function open(url, protocols) {
  return new WebSocket(url, protocols, CLIENT_OPTIONS);
}

/** Opens `url`, lets `onFrame` drive the handshake; resolves with the socket once `onFrame` returns 'ready'. */
function connectUntilReady(url, protocols, onOpen, onFrame, onDelivery, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const ws = open(url, protocols);
    let ready = false;
    const timer = setTimeout(() => (ws.terminate(), reject(new Error(`not subscribed within ${timeoutMs} ms`))), timeoutMs);
    ws.once('open', () => onOpen(ws));
    ws.once('error', (err) => {
      clearTimeout(timer);
      if (!ready) reject(err);
    });
    ws.on('message', (data) => {
      const t = sendTime(data);
      if (t >= 0) return onDelivery(t);
      const state = onFrame(ws, data);
      if (state === 'ready' && !ready) {
        ready = true;
        clearTimeout(timer);
        resolve(ws);
      } else if (state instanceof Error) {
        clearTimeout(timer);
        ws.terminate();
        reject(state);
      }
    });
  });
}

function post(port, path, body, headers) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

/** A publisher: `send(event)`, `close()`, and `errors` (failed HTTP publishes, error frames). */
function counting(send, close) {
  return { errors: 0, send, close };
}

/**
 * Switchboard on `broker` (memory, redis, nats), with the namespace's history in `history`
 * (undefined: none; memory, sqlite, redis, nats): the `switchboard-*` targets measure what
 * history costs against the same broker without it. Redis and NATS run on their default local
 * ports, under a prefix of their own per run.
 */
function switchboardTarget(name, broker = 'memory', history = undefined) {
  return { ...switchboard, name, broker, history };
}

/**
 * An OTLP/HTTP endpoint that takes every export and drops it, in this (load generator) process, for
 * the `switchboard-traced` server: the server does all of tracing's work, export included.
 */
const otlpSink = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
otlpSink.listen(0, '127.0.0.1');
otlpSink.unref();

/**
 * Observability variants: `switchboard-traced` traces every publish and exports over OTLP,
 * `switchboard-info` logs one line per request (the default level), and `switchboard-baseline` is
 * the checkout in `$BASELINE_REPO` (built), to compare two builds in one run; it gets the limits
 * line of the older schema (no messagesPerSecond).
 */
function observabilityTargets() {
  return {
    'switchboard-traced': { ...switchboard, name: 'switchboard-traced', extra: () => ['tracing:', `  endpoint: http://127.0.0.1:${otlpSink.address().port}/v1/traces`] },
    'switchboard-info': { ...switchboard, name: 'switchboard-info', logLevel: 'info' },
    'switchboard-baseline': {
      ...switchboard,
      name: 'switchboard-baseline',
      limits: 'limits: { publishesPerSecond: 100000, pendingOperations: 100000, sendBufferBytes: 268435456 }',
      root() {
        if (!process.env.BASELINE_REPO) throw new Error('switchboard-baseline needs BASELINE_REPO: a checkout with packages/server/dist built');
        return process.env.BASELINE_REPO;
      },
    },
  };
}

const BROKER_LINES = {
  memory: 'broker: { type: memory }',
  redis: `broker: { type: redis, url: 'redis://127.0.0.1:6379', prefix: switchboardbench }`,
  nats: `broker: { type: nats, url: 'nats://127.0.0.1:4222', prefix: switchboardbench }`,
};

const switchboard = {
  name: 'switchboard',
  wildcard: true,
  broker: 'memory',
  history: undefined,
  logLevel: 'error',
  limits: 'limits: { publishesPerSecond: 100000, messagesPerSecond: 100000, pendingOperations: 100000, sendBufferBytes: 268435456 }',
  extra: () => [],
  root: () => repo,
  argv(port, { dir, profileDir }) {
    mkdirSync(dir, { recursive: true });
    const config = join(dir, 'switchboard.yaml');
    const sqlite = join(dir, `history-${randomUUID().slice(0, 8)}.db`);
    writeFileSync(
      config,
      [
        '# Generated by bench/fanout/run.mjs: limits raised so the benchmark, not a limit, is measured.',
        'server: { host: 127.0.0.1, port: 0 }',
        `log: { level: ${this.logLevel} }`,
        'auth:',
        `  apiKeys: [{ key: ${KEY} }]`,
        this.history ? 'namespaces: [{ name: bench, history: { size: 1000, ttlMs: 600000 } }]' : 'namespaces: [{ name: bench }]',
        this.limits,
        BROKER_LINES[this.broker],
        this.history === 'sqlite' ? `history: { store: sqlite, path: '${sqlite}' }` : '',
        ...this.extra(),
        '',
      ].join('\n'),
    );
    const prof = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    return [process.execPath, ...prof, join(this.root(), 'packages/server/bin/switchboard.js'), 'start', '--config', config, '--port', String(port), '--host', '127.0.0.1', '--log-level', this.logLevel];
  },
  async ready(port) {
    return new Promise((resolve) => {
      request({ host: '127.0.0.1', port, path: '/healthz' }, (res) => (res.resume(), resolve(res.statusCode === 200))).on('error', () => resolve(false)).end();
    });
  },
  channel: (kind) => (kind === 'wildcard' ? '/bench/*' : '/bench/room'),
  url: (port) => `ws://127.0.0.1:${port}/event/realtime`,
  protocols: () => ['aws-appsync-event-ws', 'header-' + Buffer.from(JSON.stringify({ host: '127.0.0.1', 'x-api-key': KEY })).toString('base64url')],
  subscribe(port, kind, onDelivery) {
    const id = randomUUID();
    return connectUntilReady(
      this.url(port),
      this.protocols(),
      (ws) => {
        ws.send('{"type":"connection_init"}');
        ws.send(JSON.stringify({ type: 'subscribe', id, channel: this.channel(kind), authorization: { 'x-api-key': KEY } }));
      },
      (ws, data) => {
        const text = data.toString();
        if (text.includes('"type":"subscribe_success"')) return 'ready';
        if (text.includes('error')) return new Error(`subscribe failed: ${text}`);
      },
      onDelivery,
    );
  },
  async publisher(port, via) {
    const channel = '/bench/room';
    if (via === 'http') {
      const p = counting((event) => {
        post(port, '/event', JSON.stringify({ channel, events: [event] }), { 'content-type': 'application/json', 'x-api-key': KEY }).then((ok) => ok || p.errors++);
      }, () => {});
      return p;
    }
    const ws = await connectUntilReady(this.url(port), this.protocols(), (w) => w.send('{"type":"connection_init"}'), (w, data) => (data.toString().includes('"type":"connection_ack"') ? 'ready' : undefined), () => {});
    let n = 0;
    const p = counting(
      (event) => ws.send(`{"type":"publish","id":"p${++n}","channel":"${channel}","events":${JSON.stringify([event])},"authorization":{"x-api-key":"${KEY}"}}`),
      () => ws.terminate(),
    );
    ws.on('message', (data) => data.toString().includes('"type":"publish_error"') && p.errors++);
    return p;
  },
};

/** The peers' HTTP publish: POST /publish?topic=T with the event as the body. */
function topicHttpPublisher(port) {
  const p = counting((event) => {
    post(port, `/publish?topic=${encodeURIComponent(TOPIC)}`, event, { 'content-type': 'application/json' }).then((ok) => ok || p.errors++);
  }, () => {});
  return p;
}

/** ws / uws peers share a client protocol: topic in the URL, "topic\n<event>" frames to publish. */
function rawPeer(name, script, extraArgs = []) {
  return {
    name,
    wildcard: false,
    argv: (port) => [process.execPath, join(here, 'servers', script), String(port), ...extraArgs],
    ready: null,
    subscribe(port, _kind, onDelivery) {
      return connectUntilReady(`ws://127.0.0.1:${port}/?topic=${encodeURIComponent(TOPIC)}&id=${randomUUID()}`, [], () => {}, (ws, data) => (data.toString().includes('"type":"subscribe_success"') ? 'ready' : undefined), onDelivery);
    },
    async publisher(port, via) {
      if (via === 'http') return topicHttpPublisher(port);
      const ws = open(`ws://127.0.0.1:${port}/`, []);
      await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
      return counting((event) => ws.send(`${TOPIC}\n${event}`), () => ws.terminate());
    },
  };
}

const socketio = {
  name: 'socket.io',
  wildcard: false,
  argv: (port) => [process.execPath, join(here, 'servers', 'socketio.mjs'), String(port)],
  ready: null,
  // Subscribers speak Engine.IO v4 / Socket.IO v5 directly over `ws` (open "0", connect "40", ping
  // "2" -> pong "3"), so the load generator's per-frame cost is the same for every server; the
  // publisher uses socket.io-client.
  subscribe(port, _kind, onDelivery) {
    return connectUntilReady(
      `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket&room=${encodeURIComponent(TOPIC)}`,
      [],
      () => {},
      (ws, data) => {
        const text = data.toString();
        if (text === '2') ws.send('3');
        else if (text.startsWith('0{')) ws.send('40');
        else if (text.startsWith('40')) return 'ready';
        else if (text.startsWith('44')) return new Error(`connect refused: ${text}`);
      },
      onDelivery,
    );
  },
  async publisher(port, via) {
    if (via === 'http') return topicHttpPublisher(port);
    const socket = ioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false });
    await new Promise((resolve, reject) => (socket.once('connect', resolve), socket.once('connect_error', reject)));
    return counting((event) => socket.emit('publish', TOPIC, event), () => socket.close());
  },
};

export const TARGETS = {
  switchboard,
  'switchboard-history-memory': switchboardTarget('switchboard-history-memory', 'memory', 'memory'),
  'switchboard-history-sqlite': switchboardTarget('switchboard-history-sqlite', 'memory', 'sqlite'),
  'switchboard-redis': switchboardTarget('switchboard-redis', 'redis'),
  'switchboard-history-redis': switchboardTarget('switchboard-history-redis', 'redis', 'redis'),
  'switchboard-nats': switchboardTarget('switchboard-nats', 'nats'),
  'switchboard-history-nats': switchboardTarget('switchboard-history-nats', 'nats', 'nats'),
  ...observabilityTargets(),
  'socket.io': socketio,
  ws: rawPeer('ws', 'ws.mjs', ['floor']),
  'ws-concat': rawPeer('ws-concat', 'ws.mjs', ['concat']),
  uws: rawPeer('uws', 'uws.mjs'),
  'uws-send': rawPeer('uws-send', 'uws.mjs', ['send']),
};

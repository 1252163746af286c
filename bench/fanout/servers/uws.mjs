// Raw uWebSockets.js peer: app.publish, the floor for a Node server at all (fan-out in C++).
// Installed from npm as @trufflesuite/uws-js-unofficial (a repackaging of uWebSockets.js v20.30).
// Its entry point silently falls back to a pure-JS `ws` shim when the native addon does not load,
// so this script loads the native addon directly and fails if it cannot.
// Usage: node servers/uws.mjs PORT [publish|send]
//   publish (default) one frame for all subscribers with app.publish (C++ fan-out, one fixed id).
//   send    each subscriber gets its own frame with its own subscription id, one ws.send per
//           socket from JavaScript: what an AppSync-compatible server on uWS would have to do.
// Subscribe: ws://127.0.0.1:PORT/?topic=T  (answers {"type":"subscribe_success"} once subscribed)
// Publish:   POST /publish?topic=T with the event JSON as body, or a WebSocket text frame "T\n<event>".
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = dirname(require.resolve('@trufflesuite/uws-js-unofficial/package.json'));
const uWS = require(join(root, 'binaries', `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`));

const port = Number(process.argv[2]);
const mode = process.argv[3] ?? 'publish';
const decoder = new TextDecoder();
/** send mode: topic -> subscribed sockets. */
const topics = new Map();

function publish(topic, event) {
  const encoded = JSON.stringify(event);
  if (mode === 'publish') {
    app.publish(topic, '{"type":"data","id":"6f1c2e1a-7b3d-4c59-9a1e-2d4b8f0c3a51","event":' + encoded + '}', false, false);
    return;
  }
  for (const ws of topics.get(topic) ?? []) ws.send('{"type":"data","id":' + ws.getUserData().id + ',"event":' + encoded + '}', false);
}

const app = uWS.App()
  .ws('/*', {
    compression: uWS.DISABLED,
    maxPayloadLength: 16 << 20,
    maxBackpressure: 64 << 20,
    idleTimeout: 120,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      const query = new URLSearchParams(req.getQuery() ?? '');
      const topic = query.get('topic');
      res.upgrade({ topic, id: JSON.stringify(query.get('id') ?? '') }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    open: (ws) => {
      const { topic } = ws.getUserData();
      if (topic === null) return;
      if (mode === 'publish') ws.subscribe(topic);
      else topics.set(topic, (topics.get(topic) ?? new Set()).add(ws));
      ws.send('{"type":"subscribe_success"}', false);
    },
    close: (ws) => {
      const { topic } = ws.getUserData();
      if (topic !== null) topics.get(topic)?.delete(ws);
    },
    message: (ws, message) => {
      const text = decoder.decode(message);
      const nl = text.indexOf('\n');
      publish(text.slice(0, nl), text.slice(nl + 1));
    },
  })
  .post('/publish', (res, req) => {
    const topic = new URLSearchParams(req.getQuery() ?? '').get('topic');
    const chunks = [];
    res.onAborted(() => { res.aborted = true; });
    res.onData((chunk, isLast) => {
      chunks.push(Buffer.from(chunk.slice(0)));
      if (!isLast) return;
      publish(topic, Buffer.concat(chunks).toString());
      if (!res.aborted) res.cork(() => res.end('ok'));
    });
  })
  .listen('127.0.0.1', port, (token) => {
    if (!token) {
      console.error(`cannot listen on ${port}`);
      process.exit(1);
    }
    console.log('ready');
  });
process.on('SIGTERM', () => process.exit(0));

// Raw uWebSockets.js peer: app.publish, the floor for a Node server at all (fan-out in C++).
// Installed from npm as @trufflesuite/uws-js-unofficial (a repackaging of uWebSockets.js v20.30).
// Its entry point silently falls back to a pure-JS `ws` shim when the native addon does not load,
// so this script loads the native addon directly and fails if it cannot.
// Usage: node servers/uws.mjs PORT
// Subscribe: ws://127.0.0.1:PORT/?topic=T  (answers {"type":"subscribe_success"} once subscribed)
// Publish:   POST /publish?topic=T with the event JSON as body, or a WebSocket text frame "T\n<event>".
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = dirname(require.resolve('@trufflesuite/uws-js-unofficial/package.json'));
const uWS = require(join(root, 'binaries', `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`));

const port = Number(process.argv[2]);
const decoder = new TextDecoder();

function publish(topic, event) {
  app.publish(topic, '{"type":"data","id":"6f1c2e1a-7b3d-4c59-9a1e-2d4b8f0c3a51","event":' + JSON.stringify(event) + '}', false, false);
}

const app = uWS.App()
  .ws('/*', {
    compression: uWS.DISABLED,
    maxPayloadLength: 16 << 20,
    maxBackpressure: 64 << 20,
    idleTimeout: 120,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      const topic = new URLSearchParams(req.getQuery() ?? '').get('topic');
      res.upgrade({ topic }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    open: (ws) => {
      const { topic } = ws.getUserData();
      if (topic === null) return;
      ws.subscribe(topic);
      ws.send('{"type":"subscribe_success"}', false);
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

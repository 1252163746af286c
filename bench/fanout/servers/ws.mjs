// Raw `ws` peer: the floor for a `ws`-based server.
// Usage: node servers/ws.mjs PORT [floor|concat]
//   floor  (default) each publish builds one `data` frame (Switchboard's bytes, a UUID id), converts
//          it to a Buffer once, and sends that same Buffer to every subscriber of the topic in a loop.
//   concat each subscriber gets its own string `{"type":"data","id":<its id>,"event":...}` built by
//          concatenation, as a server that splices per-subscription ids does (the 0.75x point).
// Subscribe: ws://127.0.0.1:PORT/?topic=T&id=I  (answers {"type":"subscribe_success"} once subscribed)
// Publish:   POST /publish?topic=T with the event JSON as body, or a WebSocket text frame "T\n<event>".
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const mode = process.argv[3] ?? 'floor';
/** topic -> subscribers (each socket carries its subscription id as `subId`). */
const topics = new Map();

function broadcast(topic, event) {
  const subs = topics.get(topic);
  if (subs === undefined) return;
  const encoded = JSON.stringify(event);
  if (mode === 'floor') {
    const frame = Buffer.from('{"type":"data","id":"6f1c2e1a-7b3d-4c59-9a1e-2d4b8f0c3a51","event":' + encoded + '}');
    for (const ws of subs) ws.send(frame, { binary: false });
  } else {
    for (const ws of subs) ws.send('{"type":"data","id":' + ws.subId + ',"event":' + encoded + '}');
  }
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method !== 'POST' || url.pathname !== '/publish') return void res.writeHead(404).end();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    broadcast(url.searchParams.get('topic'), Buffer.concat(chunks).toString());
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }).end('ok');
  });
});
const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 16 << 20 });
wss.on('connection', (ws, req) => {
  const url = new URL(req.url, 'http://x');
  const topic = url.searchParams.get('topic');
  ws.on('message', (data) => {
    const text = data.toString();
    const nl = text.indexOf('\n');
    broadcast(text.slice(0, nl), text.slice(nl + 1));
  });
  if (topic === null) return;
  ws.subId = JSON.stringify(url.searchParams.get('id') ?? '1');
  let subs = topics.get(topic);
  if (subs === undefined) topics.set(topic, (subs = new Set()));
  subs.add(ws);
  ws.on('close', () => subs.delete(ws));
  ws.send('{"type":"subscribe_success"}');
});
server.listen(port, '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => process.exit(0));

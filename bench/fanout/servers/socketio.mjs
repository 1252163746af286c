// Socket.IO peer (npm socket.io, in-memory adapter, WebSocket transport only).
// Usage: node servers/socketio.mjs PORT
// Subscribe: connect with query room=T (the socket joins room T on connection).
// Publish:   POST /publish?topic=T with the event JSON as body, or socket.emit('publish', T, event).
// Either way the server does io.to(T).emit('data', event): Socket.IO encodes the packet once per
// broadcast and writes it to every socket of the room.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.argv[2]);
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method !== 'POST' || url.pathname !== '/publish') return void res.writeHead(404).end();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    io.to(url.searchParams.get('topic')).emit('data', Buffer.concat(chunks).toString());
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }).end('ok');
  });
});
const io = new Server(server, { transports: ['websocket'], serveClient: false, perMessageDeflate: false, maxHttpBufferSize: 16 << 20 });
io.on('connection', (socket) => {
  const room = socket.handshake.query.room;
  if (typeof room === 'string') socket.join(room);
  socket.on('publish', (topic, event) => io.to(topic).emit('data', event));
});
server.listen(port, '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => process.exit(0));

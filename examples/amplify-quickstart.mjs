// The official Amplify JS client against Switchboard: connect, subscribe (exact and wildcard),
// publish over WebSocket and HTTP, receive, close. Amplify always speaks wss://, so run the server
// with TLS and trust its certificate (see README):
//   NODE_EXTRA_CA_CERTS=cert.pem SWITCHBOARD_API_KEY=da2-... node examples/amplify-quickstart.mjs [https://127.0.0.1:8443/event]
import WebSocket from 'ws';
import { Amplify } from 'aws-amplify';
import { events } from 'aws-amplify/data';

globalThis.WebSocket ??= WebSocket; // Node 20 has no global WebSocket

const apiKey = process.env.SWITCHBOARD_API_KEY;
if (!apiKey) throw new Error('set SWITCHBOARD_API_KEY to the key switchboard dev printed');
const endpoint = process.argv[2] ?? 'https://127.0.0.1:8443/event';

Amplify.configure({ API: { Events: { endpoint, region: 'us-east-1', defaultAuthMode: 'apiKey', apiKey } } });

const room = await events.connect('/default/room');
const everything = await events.connect('/default/*');
const received = [];
const done = new Promise((resolve) => {
  const check = () => received.length >= 4 && resolve();
  room.subscribe({ next: (msg) => (received.push(['room', msg.event]), check()), error: console.error });
  everything.subscribe({ next: (msg) => (received.push(['wildcard', msg.event]), check()), error: console.error });
});
await new Promise((r) => setTimeout(r, 300)); // let both subscriptions start

await room.publish({ via: 'websocket', text: 'hello' });
await events.post('/default/room', { via: 'http', text: 'hello again' });
await done;
for (const [subscription, event] of received) console.log(subscription.padEnd(8), event);
room.close();
everything.close();
process.exit(0);

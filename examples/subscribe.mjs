// Subscribes to a channel with a plain WebSocket and prints every event.
// Usage: SWITCHBOARD_API_KEY=da2-... node examples/subscribe.mjs [/default/*] [ws://127.0.0.1:8080/event/realtime]
import WebSocket from 'ws';

const apiKey = process.env.SWITCHBOARD_API_KEY;
if (!apiKey) throw new Error('set SWITCHBOARD_API_KEY to the key switchboard dev printed');
const channel = process.argv[2] ?? '/default/*';
const url = process.argv[3] ?? 'ws://127.0.0.1:8080/event/realtime';

const auth = { host: new URL(url).host, 'x-api-key': apiKey };
const header = 'header-' + Buffer.from(JSON.stringify(auth)).toString('base64url');
const ws = new WebSocket(url, ['aws-appsync-event-ws', header]);

ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
ws.on('message', (data) => {
  const frame = JSON.parse(data.toString());
  if (frame.type === 'connection_ack') {
    ws.send(JSON.stringify({ type: 'subscribe', id: 'example', channel, authorization: auth }));
  } else if (frame.type === 'subscribe_success') {
    console.log(`subscribed to ${channel}; publish with curl in another terminal`);
  } else if (frame.type === 'data') {
    console.log('event:', JSON.parse(frame.event));
  } else if (frame.type !== 'ka') {
    console.log(frame);
  }
});
ws.on('close', (code, reason) => console.log(`closed ${code} ${reason}`));

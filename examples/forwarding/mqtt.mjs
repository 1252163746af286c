// Subscribes to switchboard/# and prints every forwarded event.
// Usage: node examples/forwarding/mqtt.mjs [mqtt://127.0.0.1:1883]
import { connectAsync } from 'mqtt';

const client = await connectAsync(process.argv[2] ?? 'mqtt://127.0.0.1:1883');
client.on('message', (topic, payload) => {
  const event = JSON.parse(payload.toString('utf8'));
  console.log(topic, event.id, JSON.stringify(event.payload));
});
await client.subscribeAsync('switchboard/#', { qos: 1 });
console.log('waiting for events on switchboard/#');

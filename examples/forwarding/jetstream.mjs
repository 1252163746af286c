// Creates the stream FORWARDED (subjects forwarded.>) if needed, then prints every event in it.
// Usage: node examples/forwarding/jetstream.mjs [nats://127.0.0.1:4222]
import { connect, StorageType } from 'nats';

const nc = await connect({ servers: new URL(process.argv[2] ?? 'nats://127.0.0.1:4222').host });
const jsm = await nc.jetstreamManager();
await jsm.streams.add({ name: 'FORWARDED', subjects: ['forwarded.>'], storage: StorageType.File }).catch(() => undefined);
console.log('waiting for events in stream FORWARDED');
const consumer = await nc.jetstream().consumers.get('FORWARDED');
for await (const message of await consumer.consume()) {
  const event = message.json();
  console.log(message.subject, event.id, JSON.stringify(event.payload));
}

// Prints every event added to the stream switchboard:orders from now on.
// Usage: node examples/forwarding/redis-stream.mjs [redis://127.0.0.1:6379]
import { Redis } from 'ioredis';

const redis = new Redis(process.argv[2] ?? 'redis://127.0.0.1:6379');
let last = '$';
console.log('waiting for events in stream switchboard:orders');
for (;;) {
  const reply = await redis.xread('BLOCK', 0, 'STREAMS', 'switchboard:orders', last);
  for (const [, entries] of reply ?? []) {
    for (const [id, fields] of entries) {
      last = id;
      const values = Object.fromEntries(fields.flatMap((v, i) => (i % 2 === 0 ? [[v, fields[i + 1]]] : [])));
      console.log(id, values.channel, JSON.stringify(JSON.parse(values.event).payload));
    }
  }
}

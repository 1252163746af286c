// Declares the exchange and a queue bound to orders.#, then prints every forwarded event.
// Usage: node examples/forwarding/rabbitmq.mjs [amqp://guest:guest@127.0.0.1:5672]
import amqplib from 'amqplib';

const connection = await amqplib.connect(process.argv[2] ?? 'amqp://guest:guest@127.0.0.1:5672');
const channel = await connection.createChannel();
await channel.assertExchange('switchboard-events', 'topic', { durable: true });
await channel.assertQueue('switchboard-orders', { durable: true });
await channel.bindQueue('switchboard-orders', 'switchboard-events', 'orders.#');
console.log('waiting for events on queue switchboard-orders');
await channel.consume('switchboard-orders', (message) => {
  if (message === null) return;
  const event = JSON.parse(message.content.toString('utf8'));
  console.log(message.fields.routingKey, event.id, JSON.stringify(event.payload));
  channel.ack(message);
});

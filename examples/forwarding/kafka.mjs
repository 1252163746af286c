// Prints every event of the topic switchboard.orders (create it first: auto-creation is off).
// Usage: node examples/forwarding/kafka.mjs [127.0.0.1:9092]
import { Kafka } from 'kafkajs';

const consumer = new Kafka({ clientId: 'switchboard-example', brokers: [process.argv[2] ?? '127.0.0.1:9092'] }).consumer({ groupId: 'switchboard-example' });
await consumer.connect();
await consumer.subscribe({ topic: 'switchboard.orders', fromBeginning: true });
console.log('waiting for events on topic switchboard.orders');
await consumer.run({
  eachMessage: async ({ message }) => {
    const event = JSON.parse(message.value.toString('utf8'));
    console.log(message.key.toString(), event.id, JSON.stringify(event.payload));
  },
});

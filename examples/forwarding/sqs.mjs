// Receives and deletes messages from the queue, printing each forwarded event.
// Usage: node examples/forwarding/sqs.mjs <queue URL> [region] [endpoint]
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

const [queueUrl, region = 'us-east-1', endpoint] = process.argv.slice(2);
if (!queueUrl) throw new Error('usage: node examples/forwarding/sqs.mjs <queue URL> [region] [endpoint]');
const sqs = new SQSClient({ region, ...(endpoint ? { endpoint } : {}) });
console.log(`waiting for events on ${queueUrl}`);
for (;;) {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }));
  for (const message of Messages) {
    const event = JSON.parse(message.Body);
    console.log(event.channel, event.id, JSON.stringify(event.payload));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
  }
}

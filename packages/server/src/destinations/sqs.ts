import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { DestinationConfig } from '../config/destinations-schema.js';
import { awsClientConfig, awsError, sendInRequests } from './aws.js';
import { compileTemplate, type Template } from './template.js';
import type { Destination, EntryFailure, OutboundEvent, SendResult } from './types.js';

type SqsConfig = Extract<DestinationConfig, { type: 'AMAZON_SQS' }>;

/**
 * Amazon SQS (AWS SDK v3): events go to `queueUrl` with `SendMessageBatch` (10 messages and
 * 256 KiB per request, several requests in order when needed); the body is the envelope, the
 * attribute `switchboard-channel` the channel path. Confirmed means SQS returned the entry as
 * successful; an entry in `Failed` is refused with SQS's `Code`, retryable unless `SenderFault`.
 * For a FIFO queue (`.fifo`) each message has the `messageGroupId` template (segments joined by
 * `/`; default the channel) as its group, so order is kept per channel, and the event id as its
 * deduplication id. A standard queue does not keep order.
 */
export class SqsDestination implements Destination {
  readonly type = 'AMAZON_SQS';
  readonly maxBatch = 100;
  readonly connected = true;
  readonly name: string;
  readonly #client: SQSClient;
  readonly #group: Template | undefined;
  #closed = false;

  constructor(private readonly config: SqsConfig) {
    this.name = config.name;
    this.#client = new SQSClient(awsClientConfig(config));
    this.#group = config.queueUrl.endsWith('.fifo') ? compileTemplate(config.messageGroupId, '/') : undefined;
  }

  async start(): Promise<void> {}

  async send(batch: readonly OutboundEvent[], signal: AbortSignal): Promise<SendResult> {
    if (this.#closed) throw awsError('SQS', new Error('destination closed'));
    return sendInRequests(batch, 100, (event, index) => this.#entry(event, index), async (entries) => {
      let output;
      try {
        output = await this.#client.send(new SendMessageBatchCommand({ QueueUrl: this.config.queueUrl, Entries: entries }), { abortSignal: signal });
      } catch (err) {
        throw awsError('SQS SendMessageBatch', err);
      }
      const failed: EntryFailure[] = [];
      const answered = new Set(output.Successful?.map((s) => s.Id));
      for (const entry of output.Failed ?? []) {
        answered.add(entry.Id);
        failed.push({ index: indexOf(entry.Id), code: entry.Code ?? 'Unknown', message: entry.Message ?? 'SQS refused the message', retryable: entry.SenderFault !== true });
      }
      for (const entry of entries.filter((e) => !answered.has(e.Id))) {
        failed.push({ index: indexOf(entry.Id), code: 'NotConfirmed', message: 'SQS did not answer for this message', retryable: true });
      }
      return failed;
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#client.destroy();
  }

  /** Entry ids are `e<index in batch>`: unique in a request, and they lead back to the event. */
  #entry(event: OutboundEvent, index: number): SendMessageBatchRequestEntry {
    const entry: SendMessageBatchRequestEntry = {
      Id: `e${index}`,
      MessageBody: event.body,
      MessageAttributes: { 'switchboard-channel': { DataType: 'String', StringValue: event.channel.path } },
    };
    return this.#group === undefined ? entry : { ...entry, MessageGroupId: this.#group(event.channel), MessageDeduplicationId: event.id };
  }
}

function indexOf(id: string | undefined): number {
  return Number(id?.slice(1));
}

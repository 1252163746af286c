import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DestinationConfig } from '../config/destinations-schema.js';
import { awsClientConfig, awsError, awsRequests } from './aws.js';
import { compileTemplate, type Template } from './template.js';
import type { Destination, EntryFailure, OutboundEvent, SendResult } from './types.js';

type EventBridgeConfig = Extract<DestinationConfig, { type: 'AMAZON_EVENTBRIDGE' }>;

/** PutEvents error codes that a later try may not get. */
const RETRYABLE_CODES = new Set(['InternalFailure', 'InternalException', 'ThrottlingException', 'ServiceUnavailable']);

/**
 * Amazon EventBridge (AWS SDK v3): events go to `eventBusName` with `PutEvents` (10 entries and
 * 256 KiB per request, several requests in order when needed), as `Source` = `source`,
 * `DetailType` = the `detailType` template (segments joined by `/`; default the channel),
 * `Detail` = the envelope. Confirmed means the entry came back with an `EventId`; an entry with
 * an `ErrorCode` is refused with that code, retryable for internal failures and throttling.
 * EventBridge does not keep order.
 */
export class EventBridgeDestination implements Destination {
  readonly type = 'AMAZON_EVENTBRIDGE';
  readonly maxBatch = 100;
  readonly connected = true;
  readonly name: string;
  readonly #client: EventBridgeClient;
  readonly #detailType: Template;
  #closed = false;

  constructor(private readonly config: EventBridgeConfig) {
    this.name = config.name;
    this.#client = new EventBridgeClient(awsClientConfig(config));
    this.#detailType = compileTemplate(config.detailType, '/');
  }

  async start(): Promise<void> {}

  async send(batch: readonly OutboundEvent[], signal: AbortSignal): Promise<SendResult> {
    if (this.#closed) throw awsError('EventBridge', new Error('destination closed'));
    const failed: EntryFailure[] = [];
    for (const indexes of awsRequests(batch, 200)) {
      const entries: PutEventsRequestEntry[] = [];
      const sent: number[] = [];
      for (const index of indexes) {
        const event = batch[index]!;
        try {
          entries.push({ EventBusName: this.config.eventBusName, Source: this.config.source, DetailType: this.#detailType(event.channel), Detail: event.body });
          sent.push(index);
        } catch (err) {
          failed.push({ index, code: 'TemplateError', message: (err as Error).message, retryable: false });
        }
      }
      if (entries.length === 0) continue;
      let output;
      try {
        output = await this.#client.send(new PutEventsCommand({ Entries: entries }), { abortSignal: signal });
      } catch (err) {
        throw awsError('EventBridge PutEvents', err);
      }
      if (output.Entries?.length !== entries.length) {
        throw awsError('EventBridge PutEvents', new Error(`answered ${output.Entries?.length ?? 0} entries for ${entries.length}`));
      }
      output.Entries.forEach((entry, k) => {
        if (entry.ErrorCode === undefined || entry.ErrorCode === null || entry.ErrorCode === '') return;
        failed.push({ index: sent[k]!, code: entry.ErrorCode, message: entry.ErrorMessage ?? entry.ErrorCode, retryable: RETRYABLE_CODES.has(entry.ErrorCode) });
      });
    }
    return { failed };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#client.destroy();
  }
}

import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DestinationConfig } from '../config/destinations-schema.js';
import { awsClientConfig, awsError, sendInRequests } from './aws.js';
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
    const entry = (event: OutboundEvent): PutEventsRequestEntry => ({
      EventBusName: this.config.eventBusName,
      Source: this.config.source,
      DetailType: this.#detailType(event.channel),
      Detail: event.body,
    });
    return sendInRequests(batch, 200, entry, async (entries, indexes) => {
      let output;
      try {
        output = await this.#client.send(new PutEventsCommand({ Entries: entries }), { abortSignal: signal });
      } catch (err) {
        throw awsError('EventBridge PutEvents', err);
      }
      if (output.Entries?.length !== entries.length) {
        throw awsError('EventBridge PutEvents', new Error(`answered ${output.Entries?.length ?? 0} entries for ${entries.length}`));
      }
      return output.Entries.flatMap((answer, k) =>
        answer.ErrorCode ? [{ index: indexes[k]!, code: answer.ErrorCode, message: answer.ErrorMessage ?? answer.ErrorCode, retryable: RETRYABLE_CODES.has(answer.ErrorCode) }] : [],
      );
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#client.destroy();
  }
}

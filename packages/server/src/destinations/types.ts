import type { Channel } from '@switchboard/protocol';

/** The kinds of destination, named the way AppSync names data source types. */
export const DESTINATION_TYPES = [
  'RABBITMQ',
  'NATS_JETSTREAM',
  'REDIS_STREAM',
  'MQTT',
  'KAFKA',
  'AMAZON_SQS',
  'AMAZON_EVENTBRIDGE',
  'WEBHOOK',
] as const;
export type DestinationType = (typeof DESTINATION_TYPES)[number];

/** One event on its way out. */
export interface OutboundEvent {
  /** The event's identifier: the one its publisher got in `successful`, and handlers saw. */
  readonly id: string;
  readonly channel: Channel;
  /** The message body: the versioned envelope of `envelope.ts`, as JSON text. */
  readonly body: string;
}

/**
 * One event of a batch the destination refused while confirming the others, in the style of
 * AWS's batch APIs (SQS `Failed[]`, EventBridge `Entries[].ErrorCode`).
 */
export interface EntryFailure {
  /** Position in the batch given to `send`. */
  readonly index: number;
  /** The destination's reason as a string: `Nack`, `Unroutable`, `TemplateError`, an AWS `ErrorCode`. */
  readonly code: string;
  readonly message: string;
  /** True when sending the same event again may succeed (a throttle, a server fault). */
  readonly retryable: boolean;
}

/** What `send` confirmed: every event of the batch except those in `failed`. */
export interface SendResult {
  readonly failed: readonly EntryFailure[];
}

/**
 * The destination confirmed none of the batch: it is down, the link dropped, or it answered with
 * an error for the whole request. Some events may still have arrived (at least once).
 */
export class DestinationError extends Error {
  override readonly name = 'DestinationError';

  constructor(
    /** A string reason: `Unavailable`, `Timeout`, `HttpStatus500`, an AWS error name. */
    readonly code: string,
    message: string,
    /** True when the same batch may succeed later. */
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A system events are forwarded to: a queue, a stream, a topic or a webhook. One instance per
 * configured destination, shared by every namespace that forwards to it.
 *
 * Contract (the real implementations pass `destinationContract` in `contract.ts`):
 * - Confirmation: `send(batch)` resolves only once the destination has confirmed every event of
 *   the batch that is not listed in `failed` (RabbitMQ publisher confirms, JetStream acks, Redis's
 *   XADD reply, MQTT PUBACK at QoS 1 or 2, Kafka acks, an SQS/EventBridge entry without error, a
 *   2xx from a webhook). It rejects with a `DestinationError` when it cannot say that for the
 *   batch as a whole. A resolve never means "maybe".
 * - Delivery: at least once. A rejected or timed-out batch may have partly arrived; the caller
 *   may send it again. Every message carries the event `id`, so consumers can deduplicate
 *   (JetStream and SQS FIFO do it themselves within their windows).
 * - Ordering: events of one batch reach the destination in batch order, and batches in the order
 *   `send` was called, when the destination itself keeps order (a RabbitMQ queue, a JetStream
 *   stream, a Redis stream, one MQTT topic, one Kafka partition: the channel is the key, an SQS
 *   FIFO message group: the channel by default). Standard SQS queues, EventBridge and webhooks
 *   calls do not promise order.
 * - Availability: `connected` is false while a connection-based destination knows it cannot
 *   send (not yet connected, or reconnecting); `send` then rejects at once with a retryable
 *   `DestinationError('Unavailable')` rather than buffering. Destinations without a connection
 *   (HTTP APIs) are always `connected`; their failures show in `send`.
 * - `start` begins connecting and resolves without waiting for the destination to be up: a
 *   destination that is down at start-up is reported down, and reconnects by itself.
 * - `send` never throws synchronously, and never logs or reports credentials.
 * - After `close` resolves, `send` rejects.
 */
export interface Destination {
  readonly name: string;
  readonly type: DestinationType;
  /** The largest batch `send` accepts (SQS and EventBridge: 10). */
  readonly maxBatch: number;
  readonly connected: boolean;
  start(): Promise<void>;
  /** `signal` aborts an HTTP request when the caller stops waiting (its timeout). */
  send(batch: readonly OutboundEvent[], signal: AbortSignal): Promise<SendResult>;
  close(): Promise<void>;
}

/** The error a disconnected destination's `send` rejects with. */
export function unavailable(name: string, detail = 'not connected; reconnecting'): DestinationError {
  return new DestinationError('Unavailable', `destination ${name} is ${detail}`, true);
}

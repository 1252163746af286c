import type { DestinationConfig } from '../config/destinations-schema.js';
import type { Logger } from '../log/logger.js';
import { attempt, type Outcome, type Refusal } from './attempt.js';
import { DeliveryQueue, type QueuedEvent } from './delivery-queue.js';
import type { FailReason, ForwardMetrics } from './forward-metrics.js';
import type { Destination, OutboundEvent } from './types.js';

/** How long a destination that failed while connected counts as down without another try. */
const FAILURE_MEMORY_MS = 10_000;

/**
 * One configured destination at work: its guarantee, timeout, health, metrics and (for `async`)
 * its queue. The forwarder owns one per destination.
 */
export class DestinationRunner {
  readonly name: string;
  readonly guarantee: 'required' | 'async';
  readonly overflow: 'reject' | 'drop';
  #queue: DeliveryQueue | undefined;
  /**
   * When a send last failed as a whole while the destination said it was connected (a timeout,
   * an HTTP error): unhealthy until a send succeeds or `FAILURE_MEMORY_MS` pass, so that a
   * destination without a connection to watch is tried again. 0: not failing.
   */
  #failedAt = 0;

  constructor(
    readonly config: DestinationConfig,
    readonly destination: Destination,
    private readonly metrics: ForwardMetrics,
    private readonly log: Logger,
  ) {
    this.name = config.name;
    this.guarantee = config.guarantee;
    this.overflow = config.queue.overflow;
    if (this.guarantee === 'async') {
      const batchSize = Math.min(config.batchSize ?? destination.maxBatch, destination.maxBatch);
      this.#queue = new DeliveryQueue(destination, { ...config.queue, ...config.retry, batchSize, timeoutMs: config.timeoutMs }, {
        sent: (count) => this.#sent(count),
        retried: (count) => this.metrics.retried.inc({ destination: this.name }, count),
        gaveUp: (events, reason, refusal) => this.undelivered(events, reason, refusal),
        unavailable: () => this.#markFailing(),
      });
    }
  }

  /** False while the destination is disconnected, or its last send failed as a whole. */
  get up(): boolean {
    return this.destination.connected && (this.#failedAt === 0 || Date.now() - this.#failedAt > FAILURE_MEMORY_MS);
  }

  /** Events queued and not yet confirmed (`async`). */
  get queued(): number {
    return this.#queue?.size ?? 0;
  }

  /** `required`: sends the publish's events now (in batches of at most `maxBatch`); one outcome per event. */
  async send(events: readonly OutboundEvent[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < events.length; i += this.destination.maxBatch) {
      outcomes.push(...(await attempt(this.destination, events.slice(i, i + this.destination.maxBatch), this.config.timeoutMs)));
    }
    const refused = outcomes.filter((o): o is Refusal => o !== undefined);
    if (refused.length < outcomes.length) this.#sent(outcomes.length - refused.length);
    else if (refused.some((o) => o.whole && o.retryable)) this.#markFailing();
    if (refused.length > 0) this.countFailed('not_confirmed', refused.length);
    return outcomes;
  }

  /** `async`: room for a publish's events, before its broadcast. */
  reserve(count: number, bytes: number): boolean {
    return this.#queue!.reserve(count, bytes);
  }

  release(count: number, bytes: number): void {
    this.#queue!.release(count, bytes);
  }

  /** `async`: queues broadcast events that have room reserved. */
  enqueue(events: readonly QueuedEvent[]): void {
    this.#queue!.push(events);
  }

  /**
   * Counts and logs events that will not reach this destination, one line per event with its
   * body, so that an operator can replay them (`msg: "undelivered event"`).
   */
  undelivered(events: readonly OutboundEvent[], reason: FailReason, refusal?: Refusal): void {
    this.countFailed(reason, events.length);
    this.log.error('events not forwarded', {
      destination: this.name,
      reason,
      count: events.length,
      ...(refusal ? { code: refusal.code, detail: refusal.message } : {}),
    });
    for (const event of events) {
      this.log.error('undelivered event', { destination: this.name, reason, id: event.id, channel: event.channel.path, body: event.body });
    }
  }

  /**
   * Stops: lets an `async` queue send what it holds until `deadline` (epoch ms), reports what is
   * left, then closes the destination.
   */
  async close(deadline: number): Promise<void> {
    if (this.#queue !== undefined) {
      const left = await this.#queue.drain(deadline);
      if (left.length > 0) this.undelivered(left, 'shutdown');
      else this.log.info('forward queue flushed', { destination: this.name });
    }
    await this.destination.close().catch((err: unknown) => this.log.warn('destination close failed', { destination: this.name, err }));
  }

  #markFailing(): void {
    // A disconnected destination already reports itself down, and up again once reconnected.
    if (this.destination.connected) this.#failedAt = Date.now();
  }

  #sent(count: number): void {
    this.#failedAt = 0;
    this.metrics.sent.inc({ destination: this.name, guarantee: this.guarantee }, count);
  }

  /** Counts events that did not reach this destination. */
  countFailed(reason: FailReason, count: number): void {
    this.metrics.failed.inc({ destination: this.name, guarantee: this.guarantee, reason }, count);
  }
}

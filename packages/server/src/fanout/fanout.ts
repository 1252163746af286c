import { ProtocolError } from '@switchboard/protocol';
import type { Broker, BrokerMessage } from '../broker/types.js';
import type { Logger } from '../log/logger.js';
import type { Counter } from '../observability/metrics.js';
import { SubscriptionIndex } from './subscription-index.js';

/** What the fan-out delivers to: one subscription of one connection. */
export interface Subscriber {
  /** `/ns/a` or `/ns/a/*`. */
  readonly pattern: string;
  /**
   * Receives each event of a matching message, in order, as the UTF-8 bytes of
   * `JSON.stringify(payloadString)`: encoded once per event, shared by every subscriber.
   */
  deliver(encodedEvent: Buffer): void;
}

/**
 * This node's side of fan-out: keeps the subscription index, tells the broker which patterns the
 * node needs (first subscriber in, last subscriber out), and delivers what the broker brings.
 */
export class LocalFanout {
  readonly #index = new SubscriptionIndex<Subscriber>();
  /** Patterns the broker has been told about (subscribed, or subscribing). */
  readonly #active = new Set<string>();
  /** Per pattern, the tail of its queued broker calls: calls for one pattern never overlap. */
  readonly #chains = new Map<string, Promise<void>>();
  readonly #broker: Broker;
  readonly #log: Logger;
  readonly #deliveries: Counter | undefined;

  /** `deliveries` counts the `data` frames handed to subscribers. */
  constructor(broker: Broker, log: Logger, deliveries?: Counter) {
    this.#broker = broker;
    this.#log = log;
    this.#deliveries = deliveries;
  }

  get brokerConnected(): boolean {
    return this.#broker.connected;
  }

  start(): Promise<void> {
    return this.#broker.start((message) => this.#deliver(message));
  }

  /** Adds a subscriber; resolves once the broker will deliver its pattern's messages to this node. */
  async add(sub: Subscriber): Promise<void> {
    this.#index.add(sub.pattern, sub);
    try {
      await this.#sync(sub.pattern);
    } catch (err) {
      this.remove(sub);
      this.#log.warn('broker subscribe failed', { pattern: sub.pattern, err });
      throw new ProtocolError('ServiceUnavailableException', 'The broker is unavailable; the subscription could not start. Retry later.', { cause: err });
    }
  }

  remove(sub: Subscriber): void {
    if (!this.#index.remove(sub.pattern, sub)) return;
    this.#sync(sub.pattern).catch((err: unknown) => this.#log.warn('broker unsubscribe failed', { pattern: sub.pattern, err }));
  }

  /** Brings the broker's interest in `pattern` in line with the index, one call at a time. */
  #sync(pattern: string): Promise<void> {
    const previous = this.#chains.get(pattern) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const wanted = this.#index.has(pattern);
        if (wanted && !this.#active.has(pattern)) {
          await this.#broker.subscribe(pattern);
          this.#active.add(pattern);
        } else if (!wanted && this.#active.delete(pattern)) {
          await this.#broker.unsubscribe(pattern);
        }
      });
    this.#chains.set(pattern, next);
    const forget = (): void => {
      if (this.#chains.get(pattern) === next) this.#chains.delete(pattern);
    };
    next.then(forget, forget);
    return next;
  }

  publish(message: BrokerMessage): Promise<void> {
    return this.#broker.publish(message);
  }

  close(): Promise<void> {
    return this.#broker.close();
  }

  #deliver(message: BrokerMessage): void {
    let delivered = 0;
    for (const event of message.events) {
      const encoded = Buffer.from(JSON.stringify(event.payload), 'utf8');
      this.#index.forEachMatch(message.channel, (sub) => {
        sub.deliver(encoded);
        delivered++;
      });
    }
    if (delivered > 0) this.#deliveries?.inc(undefined, delivered);
  }
}

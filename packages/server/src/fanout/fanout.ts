import { ProtocolError } from '@switchboard/protocol';
import type { Broker, BrokerMessage, BrokerStatus } from '../broker/types.js';
import type { Logger } from '../log/logger.js';
import type { Histogram } from 'prom-client';
import type { Counter } from '../observability/metrics.js';
import { SubscriptionIndex } from './subscription-index.js';

/** What the fan-out delivers to: one subscription of one connection. */
export interface Subscriber {
  /** `/ns/a` or `/ns/a/*`. */
  readonly pattern: string;
  /**
   * Receives each event of a matching message, in order, as the UTF-8 bytes of
   * `JSON.stringify(payloadString)`: encoded once per event, shared by every subscriber. (On a
   * namespace with history, `NamespaceStream` delivers instead, and the shared bytes also carry
   * the event's `,"channel":…,"position":…` fields.)
   */
  deliver(encodedEvent: Buffer): void;
}

/** The broker has every interest of this node in place again after it was not ready. */
export interface InterestRestoredEvent {
  /** The patterns this node's subscribers hold, all in place in the broker again. */
  readonly patterns: readonly string[];
  /** How long the broker was not ready: what was published on these patterns meanwhile never arrived here. */
  readonly downMs: number;
}

/**
 * Called when interest is restored. A returned promise keeps the node not ready (publishes
 * refused, `/healthz` 503) until it settles, so a recovery (replaying what the subscribers missed)
 * can finish before new events are acknowledged. A rejection is logged; the node is ready anyway.
 */
export type InterestRestoredListener = (event: InterestRestoredEvent) => void | Promise<void>;

/**
 * This node's side of fan-out: keeps the subscription index, tells the broker which patterns the
 * node needs (first subscriber in, last subscriber out), and delivers what the broker brings.
 *
 * Ready (`brokerReady`) while the broker is ready (connected, and every interest of this node in
 * place: `Broker.ready`) and no `onInterestRestored` listener is still recovering. `publish`
 * refuses while not ready, so the node never acknowledges an event its own subscribers cannot get;
 * `/healthz` and `switchboard_broker_up` report the same state.
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
  readonly #latency: Histogram | undefined;
  readonly #restoredListeners: InterestRestoredListener[] = [];
  /** Grows with every change of the broker's readiness; a recovery ends only if it is still current. */
  #statusGeneration = 0;
  #recovering = false;

  /**
   * `deliveries` counts the `data` frames handed to subscribers; `latency` observes, once per
   * broker message, the seconds from its `publishedAt` until its frames were written.
   */
  constructor(broker: Broker, log: Logger, deliveries?: Counter, latency?: Histogram) {
    this.#broker = broker;
    this.#log = log;
    this.#deliveries = deliveries;
    this.#latency = latency;
  }

  /** See the class comment: publishes are refused while false. */
  get brokerReady(): boolean {
    return this.#broker.ready && !this.#recovering;
  }

  /** Adds a listener for "every interest is in place again after the broker was not ready". */
  onInterestRestored(listener: InterestRestoredListener): void {
    this.#restoredListeners.push(listener);
  }

  start(): Promise<void> {
    return this.#broker.start(
      (message) => this.#deliver(message),
      (status) => this.#status(status),
    );
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

  /** Rejects while not ready (see the class comment), or when the broker does not take the message. */
  async publish(message: BrokerMessage): Promise<void> {
    if (this.#recovering) throw new Error('this node is recovering what its subscribers missed during a broker outage');
    return this.#broker.publish(message);
  }

  close(): Promise<void> {
    return this.#broker.close();
  }

  #status(status: BrokerStatus): void {
    const generation = ++this.#statusGeneration;
    this.#recovering = false;
    if (!status.ready || this.#restoredListeners.length === 0) return;
    const event: InterestRestoredEvent = { patterns: [...this.#active], downMs: status.downMs ?? 0 };
    const recoveries: Promise<void>[] = [];
    for (const listener of this.#restoredListeners) {
      try {
        const result = listener(event);
        if (result !== undefined) recoveries.push(result);
      } catch (err) {
        recoveries.push(Promise.reject(err));
      }
    }
    if (recoveries.length === 0) return;
    this.#recovering = true;
    void Promise.allSettled(recoveries).then((results) => {
      for (const result of results) {
        if (result.status === 'rejected') this.#log.error('interest restored listener failed', { err: result.reason });
      }
      if (generation === this.#statusGeneration) this.#recovering = false;
    });
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
    if (delivered === 0) return;
    this.#deliveries?.inc(undefined, delivered);
    if (message.publishedAt !== undefined) this.#latency?.observe((performance.timeOrigin + performance.now() - message.publishedAt) / 1000);
  }
}

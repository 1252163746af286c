/** One event as it travels between nodes: the identifier reported to the publisher and the JSON string. */
export interface BrokerEvent {
  readonly id: string;
  /** The event as the JSON-encoded string the publisher sent (decision D1). */
  readonly payload: string;
}

/** A batch of events published together on one channel. */
export interface BrokerMessage {
  /** Normalized channel path, never a wildcard: `/default/room/1`. */
  readonly channel: string;
  readonly events: readonly BrokerEvent[];
  /**
   * When the publishing node received the publish (epoch ms, sub-millisecond), for the delivery
   * latency metric. Brokers carry it when present; it never affects delivery.
   */
  readonly publishedAt?: number;
}

/**
 * An interest pattern: an exact channel path (`/ns/a`) or a wildcard prefix (`/ns/a/*`, matching
 * every channel strictly beneath `/ns/a`, decision D8).
 */
export type Interest = string;

/** A change of a broker's readiness, reported to the listener given to `Broker.start`. */
export interface BrokerStatus {
  /** The new state: see `Broker.ready`. */
  readonly ready: boolean;
  /** Not ready: why (never credentials). */
  readonly reason?: string;
  /** Ready again: how long the broker was not ready, in milliseconds. */
  readonly downMs?: number;
}

/**
 * Moves published messages between the nodes of a cluster. One instance per node.
 *
 * Contract (every implementation passes `brokerContract` in `contract.ts`):
 * - Interest: after `subscribe(pattern)` resolves, every message published afterwards on a channel
 *   that the pattern matches, by any node, is delivered to this node's `deliver` callback; after
 *   `unsubscribe(pattern)` it no longer is (unless another interest matches). A node never receives
 *   messages that none of its interests match. A message matching several interests of one node is
 *   delivered to that node once.
 * - Ordering: messages published on one channel by one node, each after the previous `publish`
 *   resolved or not, are delivered on every node in publish order (decision D15).
 * - Readiness: `ready` is true while the broker takes publishes and every interest this node holds
 *   is in place in the broker. It turns false when a link drops, and also when a link stays open
 *   but stops answering (implementations probe their links: a partition is noticed within their
 *   documented bound); after an outage it turns true only once every interest held has been
 *   re-established and the broker confirmed it. Every change is reported to `start`'s `onStatus`;
 *   `{ ready: true }` after a loss means "interest restored": from then on this node receives its
 *   channels again, and what was published on them while it was not ready never reaches it.
 * - Delivery to the publishing node: when `publish` resolves, the message has already been passed
 *   to this node's `deliver` if one of its interests matches it (an interest whose `subscribe`
 *   resolved before the `publish` call and that is still held). When the broker cannot make sure
 *   of that, `publish` rejects: while not ready, when readiness was lost before the broker's
 *   acceptance came back, and when this node's own copy could not be confirmed. So a node never
 *   acknowledges an event that its own subscribers did not get.
 * - Delivery to other nodes: at most once, best effort. A node receives a message when it held a
 *   matching interest, and was ready, while the broker routed it; a node that was cut off or still
 *   re-establishing its interests does not get it, then or later. There is no redelivery; history
 *   is the store's job. `publish` resolves once the broker has accepted the message (for the memory
 *   broker: once it was delivered); it rejects when the broker did not confirm acceptance (down,
 *   or the link dropped mid-call: then the message may still have been delivered), and the caller
 *   reports that to the publisher.
 * - `subscribe`/`unsubscribe` calls for one pattern are made in alternation by the caller (the local
 *   fan-out counts subscribers), never twice in a row for the same pattern.
 * - `deliver` is called with messages in order and must not throw; the broker does not await it.
 * - After `close` resolves no more messages are delivered, `ready` is false and `publish` rejects.
 */
export interface Broker {
  /** See "Readiness" above. Always true for the memory broker until closed. For publishes, health and metrics. */
  readonly ready: boolean;
  /** Begins delivering to `deliver`, and readiness changes to `onStatus`. Called once, before any other method. */
  start(deliver: (message: BrokerMessage) => void, onStatus?: (status: BrokerStatus) => void): Promise<void>;
  publish(message: BrokerMessage): Promise<void>;
  subscribe(pattern: Interest): Promise<void>;
  unsubscribe(pattern: Interest): Promise<void>;
  close(): Promise<void>;
}

/** True when `pattern` (exact or `/prefix/*`) matches the concrete `channel`. */
export function interestMatches(pattern: Interest, channel: string): boolean {
  if (!pattern.endsWith('/*')) return pattern === channel;
  const prefix = pattern.slice(0, -1); // keeps the trailing '/'
  return channel.length > prefix.length && channel.startsWith(prefix);
}

/** True when one of `interests` (exact paths and `/prefix/*` patterns) matches the concrete `channel`. */
export function anyInterestMatches(interests: { has(pattern: Interest): boolean }, channel: string): boolean {
  if (interests.has(channel)) return true;
  // Wildcard interests: check each proper prefix of the channel at a segment boundary.
  for (let i = channel.indexOf('/', 1); i !== -1; i = channel.indexOf('/', i + 1)) {
    if (interests.has(channel.slice(0, i + 1) + '*')) return true;
  }
  return false;
}

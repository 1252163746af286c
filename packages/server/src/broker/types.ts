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
}

/**
 * An interest pattern: an exact channel path (`/ns/a`) or a wildcard prefix (`/ns/a/*`, matching
 * every channel strictly beneath `/ns/a`, decision D8).
 */
export type Interest = string;

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
 * - Delivery: at most once, best effort. `publish` resolves once the broker has accepted the message
 *   (for the memory broker: once it was delivered); it rejects when the broker did not confirm
 *   acceptance (down, or the link dropped mid-call: then the message may still have been
 *   delivered), and the caller reports that to the publisher. Messages published while a node is
 *   cut off from the broker are not delivered to it later. There is no redelivery; history is the
 *   store's job.
 * - `subscribe`/`unsubscribe` calls for one pattern are made in alternation by the caller (the local
 *   fan-out counts subscribers), never twice in a row for the same pattern.
 * - `deliver` is called with messages in order and must not throw; the broker does not await it.
 * - After `close` resolves no more messages are delivered and `publish` rejects.
 */
export interface Broker {
  /** True while the broker can take publishes (always, for the memory broker). For metrics and logs. */
  readonly connected: boolean;
  /** Begins delivering to `deliver`. Called once, before any other method. */
  start(deliver: (message: BrokerMessage) => void): Promise<void>;
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

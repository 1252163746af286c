import { anyInterestMatches, type Broker, type BrokerMessage, type Interest } from './types.js';

/**
 * The in-process "network" memory brokers share. One hub is one cluster: brokers created on the
 * same hub see each other's messages, which lets a single process run several nodes (tests, the
 * broker contract suite). By default each broker has a hub of its own.
 */
export class MemoryHub {
  readonly nodes = new Set<MemoryBroker>();
}

/**
 * The default broker: everything in one process, no dependencies. Delivery is synchronous inside
 * `publish`, so per-channel order is the order of `publish` calls.
 */
export class MemoryBroker implements Broker {
  readonly #hub: MemoryHub;
  readonly #interests = new Set<Interest>();
  #deliver: ((message: BrokerMessage) => void) | undefined;
  #closed = false;

  /** Nothing can fail between nodes of one process: ready until closed, and never a status change. */
  get ready(): boolean {
    return !this.#closed;
  }

  constructor(hub: MemoryHub = new MemoryHub()) {
    this.#hub = hub;
  }

  async start(deliver: (message: BrokerMessage) => void): Promise<void> {
    this.#deliver = deliver;
    this.#hub.nodes.add(this);
  }

  async publish(message: BrokerMessage): Promise<void> {
    if (this.#closed) throw new Error('MemoryBroker is closed');
    for (const node of this.#hub.nodes) node.#receive(message);
  }

  async subscribe(pattern: Interest): Promise<void> {
    this.#interests.add(pattern);
  }

  async unsubscribe(pattern: Interest): Promise<void> {
    this.#interests.delete(pattern);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#hub.nodes.delete(this);
    this.#interests.clear();
  }

  #receive(message: BrokerMessage): void {
    if (this.#deliver === undefined || !anyInterestMatches(this.#interests, message.channel)) return;
    this.#deliver(message);
  }
}


import { ProtocolError, type ErrorType } from '@switchboard/protocol';
import type { BrokerMessage } from '../broker/types.js';
import type { Logger } from '../log/logger.js';
import type { Counter } from '../observability/metrics.js';
import { NamespaceStream, type HistorySubscriber, type HistorySubscription } from './namespace-stream.js';
import { formatPosition, parsePosition } from './position.js';
import type { HistorySlice, HistoryStore, Position, ReadQuery, Retention } from './types.js';

/** Events per replayed page: the connection's send buffer drains between pages. */
const REPLAY_PAGE = 100;
/** How long a publish waits for this node's own subscribers to have its events, and a resume for the node to catch up with the client. */
const CATCH_UP_TIMEOUT_MS = 5000;

interface Followed {
  readonly stream: NamespaceStream;
  readonly opening: Promise<void>;
  /** Subscriptions placed on the stream, and subscribes still starting. */
  users: number;
}

/**
 * The node's side of history: publishes to namespaces with history go into the store (which
 * carries them to every node), and this node follows each such namespace that its clients
 * subscribe to (`NamespaceStream`), from the first subscriber to the last.
 *
 * Resume without gap or duplicate, by construction: a subscription is placed on the stream at its
 * `last` offset L in the same synchronous step that reads L, so it receives every live event after
 * L (held until `release`); the events after the client's position up to L are read from the
 * store and sent first. Nothing at or below L comes live, nothing above L comes from the store.
 */
export class HistoryService {
  readonly #store: HistoryStore;
  readonly #retention: ReadonlyMap<string, Retention>;
  readonly #log: Logger;
  readonly #deliveries: Counter | undefined;
  readonly #streams = new Map<string, Followed>();
  readonly #placed = new Map<HistorySubscriber, Followed>();

  constructor(store: HistoryStore, retention: ReadonlyMap<string, Retention>, log: Logger, deliveries?: Counter) {
    this.#store = store;
    this.#retention = retention;
    this.#log = log;
    this.#deliveries = deliveries;
  }

  /** True when `namespace` keeps history. */
  has(namespace: string): boolean {
    return this.#retention.has(namespace);
  }

  /** The store takes appends and its followers are connected. */
  get ready(): boolean {
    return this.#store.ready;
  }

  start(): Promise<void> {
    return this.#store.start();
  }

  /**
   * Appends `message` to its namespace's history, which carries it to every node. Resolves once
   * this node's own subscribers have it (as the broker does for a publish).
   * @throws Error when the store did not take it, or this node did not get it back in time.
   */
  async publish(namespace: string, message: BrokerMessage): Promise<void> {
    const position = await this.#store.append(namespace, message);
    const followed = this.#streams.get(namespace);
    if (followed === undefined || followed.stream.epoch !== position.epoch) return;
    await within(followed.stream.reached(position.offset), CATCH_UP_TIMEOUT_MS, 'this node did not receive its own events back from the history store');
  }

  /**
   * Starts `sub` on its namespace: `subscribe_success` with the position where live delivery
   * starts, or, for a `since`, the replay of what came after it (or why it cannot be replayed).
   * @throws ProtocolError ServiceUnavailableException when the store cannot be read.
   */
  async subscribe(sub: HistorySubscription, namespace: string, since: unknown): Promise<void> {
    const followed = await this.#join(namespace);
    try {
      await this.#resume(followed, sub, since);
    } catch (err) {
      if (this.#placed.has(sub)) this.unsubscribe(sub);
      else this.#leave(namespace, followed);
      if (err instanceof ProtocolError) throw err;
      this.#log.warn('history: a subscription could not start', { namespace, err });
      throw new ProtocolError('ServiceUnavailableException', 'The history store is unavailable; the subscription could not start. Retry later.', { cause: err });
    }
  }

  /** Stops delivering to `sub`. Idempotent; a no-op for a subscriber it never placed. */
  unsubscribe(sub: HistorySubscriber): void {
    const followed = this.#placed.get(sub);
    if (followed === undefined) return;
    this.#placed.delete(sub);
    followed.stream.remove(sub);
    this.#leave(followed.stream.namespace, followed);
  }

  /** Reads a namespace's history (HTTP `GET /event/history`). */
  read(namespace: string, query: ReadQuery): Promise<HistorySlice> {
    return this.#store.read(namespace, query);
  }

  async close(): Promise<void> {
    for (const followed of this.#streams.values()) followed.stream.close();
    this.#streams.clear();
    this.#placed.clear();
    await this.#store.close();
  }

  async #resume(followed: Followed, sub: HistorySubscription, since: unknown): Promise<void> {
    const { stream } = followed;
    if (since === undefined) {
      this.#place(followed, sub);
      sub.confirm({ position: formatPosition(stream.position) });
      return sub.release();
    }
    const from = parsePosition(since);
    if (from === undefined) return this.#unrecovered(followed, sub, 'HistoryReset', 'The position is not one this server gave');
    if (from.epoch !== stream.epoch) return this.#unrecovered(followed, sub, 'HistoryReset', 'The history of this namespace was reset since this position');
    if (from.offset > stream.last) {
      // The client saw events this node has not handed out yet (it was connected to another node).
      const { top, epoch } = await this.#store.read(stream.namespace, { after: stream.last, through: stream.last, limit: 1 });
      if (epoch !== stream.epoch || from.offset > top) return this.#unrecovered(followed, sub, 'HistoryReset', 'The position is ahead of this namespace\'s history');
      await within(stream.reached(from.offset), CATCH_UP_TIMEOUT_MS, 'this node did not catch up with the position in time');
      if (from.epoch !== stream.epoch) return this.#unrecovered(followed, sub, 'HistoryReset', 'The history of this namespace was reset since this position');
    }
    // One synchronous step: live delivery to `sub` starts right after `through`.
    const through = stream.last;
    this.#place(followed, sub);
    let after = from.offset;
    for (let first = true; ; first = false) {
      if (!(await sub.drained())) return;
      const page = await this.#store.read(stream.namespace, { after, through, limit: REPLAY_PAGE, match: sub.pattern });
      if (first) {
        if (page.epoch !== stream.epoch) return this.#refuse(sub, { epoch: stream.epoch, offset: through }, 'HistoryReset', 'The history of this namespace was reset since this position');
        if (page.floor > from.offset) return this.#refuse(sub, { epoch: stream.epoch, offset: through }, 'HistoryExpired', 'Events after this position are no longer kept (history size or age)');
        sub.confirm({ recovered: true });
      }
      for (const entry of page.events) sub.replay(stream.encode(entry));
      if (!page.more || page.events.length === 0) break;
      after = page.events[page.events.length - 1]!.offset;
    }
    sub.release();
  }

  #unrecovered(followed: Followed, sub: HistorySubscription, errorType: ErrorType, message: string): void {
    this.#place(followed, sub);
    this.#refuse(sub, followed.stream.position, errorType, message);
  }

  #refuse(sub: HistorySubscription, position: Position, errorType: ErrorType, message: string): void {
    sub.confirm({ position: formatPosition(position), recovered: false, reason: { errorType, message } });
    sub.release();
  }

  #place(followed: Followed, sub: HistorySubscription): void {
    this.#placed.set(sub, followed);
    followed.stream.add(sub);
  }

  /** Follows `namespace` (the first user starts it) and counts one more user. */
  async #join(namespace: string): Promise<Followed> {
    let followed = this.#streams.get(namespace);
    if (followed === undefined) {
      const stream = new NamespaceStream(namespace, this.#log, this.#deliveries);
      const entry: Followed = { stream, opening: stream.open(this.#store), users: 0 };
      entry.opening.catch(() => {
        stream.close();
        if (this.#streams.get(namespace) === entry) this.#streams.delete(namespace);
      });
      this.#streams.set(namespace, (followed = entry));
    }
    followed.users++;
    try {
      await followed.opening;
    } catch (err) {
      followed.users--;
      this.#log.warn('history: cannot follow a namespace', { namespace, err });
      throw new ProtocolError('ServiceUnavailableException', 'The history store is unavailable; the subscription could not start. Retry later.', { cause: err });
    }
    return followed;
  }

  #leave(namespace: string, followed: Followed): void {
    if (--followed.users > 0) return;
    followed.stream.close();
    if (this.#streams.get(namespace) === followed) this.#streams.delete(namespace);
  }
}

/** `promise`, or a rejection with `what` after `ms`. */
function within(promise: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} (${ms} ms)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

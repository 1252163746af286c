import { historyDataFields, type SubscribeSuccessExtras } from '@switchboard/protocol';
import type { Subscriber } from '../fanout/fanout.js';
import { SubscriptionIndex } from '../fanout/subscription-index.js';
import type { Logger } from '../log/logger.js';
import type { Counter } from '../observability/metrics.js';
import { formatPosition } from './position.js';
import type { FollowListener, HistoryEntry, HistoryStore, Position, Unfollow } from './types.js';

interface Waiter {
  readonly offset: number;
  resolve(): void;
}

/** A subscriber of a namespace with history. */
export interface HistorySubscriber extends Subscriber {
  /**
   * This node missed events the subscriber should have had and that cannot be read back: tell
   * the client (its connection closes with 4003 HistoryGap, so it resubscribes with its position).
   */
  lost(): void;
}

/** A subscription being started with the history extension (the WebSocket `Subscription`). */
export interface HistorySubscription extends HistorySubscriber {
  /** Sends `subscribe_success` with the extension's fields; live deliveries keep waiting. */
  confirm(extras: SubscribeSuccessExtras): void;
  /** Sends one replayed event at once (between `confirm` and `release`). */
  replay(encoded: Buffer): void;
  /** Sends the live deliveries that waited, then delivers as they come. */
  release(): void;
  /** Resolves when the connection can take more frames: true, or false once it has closed. */
  drained(): Promise<boolean>;
}

/**
 * One namespace with history, as this node follows it: reads the namespace's events from the
 * store in offset order and hands each to the local subscribers it matches, with its channel and
 * position. `last` is the offset of the newest event handed out: a subscriber added now gets
 * exactly the events after it, which is what makes a resume exact (see `HistoryService`).
 *
 * An offset that jumps means events this node never got and the store no longer has (cut off
 * for longer than the retention); a reset means the history itself was lost. Both are told to
 * every subscriber (`lost`), and following goes on.
 */
export class NamespaceStream implements FollowListener {
  readonly namespace: string;
  readonly #index = new SubscriptionIndex<HistorySubscriber>();
  readonly #log: Logger;
  readonly #deliveries: Counter | undefined;
  #epoch = '';
  #last = -1;
  /** Events that arrived before `open` learnt where following starts. */
  #early: HistoryEntry[] | undefined = [];
  #waiters: Waiter[] = [];
  #unfollow: Unfollow | undefined;
  #closed = false;

  constructor(namespace: string, log: Logger, deliveries?: Counter) {
    this.namespace = namespace;
    this.#log = log;
    this.#deliveries = deliveries;
  }

  get epoch(): string {
    return this.#epoch;
  }

  /** Offset of the newest event handed to this node's subscribers. */
  get last(): number {
    return this.#last;
  }

  get position(): Position {
    return { epoch: this.#epoch, offset: this.#last };
  }

  /** Starts following at the store's current top. */
  async open(store: HistoryStore): Promise<void> {
    const { position, unfollow } = await store.follow(this.namespace, undefined, this);
    this.#unfollow = unfollow;
    if (this.#closed) return unfollow();
    const early = this.#early ?? [];
    this.#early = undefined;
    if (this.#epoch === '') {
      this.#epoch = position.epoch;
      this.#last = position.offset;
    }
    if (early.length > 0) this.events(early);
  }

  add(sub: HistorySubscriber): void {
    this.#index.add(sub.pattern, sub);
  }

  remove(sub: HistorySubscriber): void {
    this.#index.remove(sub.pattern, sub);
  }

  /** Resolves once the event at `offset` has been handed out (or following moved past it by a gap or reset, or closed). */
  reached(offset: number): Promise<void> {
    if (this.#last >= offset || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ offset, resolve }));
  }

  /** The shared tail of a `data` frame for `entry`: the event, its channel and its position. */
  encode(entry: HistoryEntry): Buffer {
    return Buffer.from(JSON.stringify(entry.payload) + historyDataFields(entry.channel, formatPosition({ epoch: this.#epoch, offset: entry.offset })), 'utf8');
  }

  events(entries: readonly HistoryEntry[]): void {
    if (this.#closed) return;
    if (this.#early !== undefined) {
      this.#early.push(...entries);
      return;
    }
    let delivered = 0;
    for (const entry of entries) {
      if (entry.offset <= this.#last) continue;
      if (entry.offset !== this.#last + 1) {
        this.#lose(`events ${this.#last + 1}-${entry.offset - 1} are no longer in the store`);
      }
      this.#last = entry.offset;
      let encoded: Buffer | undefined;
      this.#index.forEachMatch(entry.channel, (sub) => {
        encoded ??= this.encode(entry);
        sub.deliver(encoded);
        delivered++;
      });
    }
    if (delivered > 0) this.#deliveries?.inc(undefined, delivered);
    this.#wake();
  }

  reset(position: Position): void {
    if (this.#closed) return;
    if (this.#epoch !== '') this.#lose(`the history was reset (epoch ${this.#epoch} -> ${position.epoch})`);
    this.#epoch = position.epoch;
    this.#last = position.offset;
    this.#early?.splice(0);
    this.#wake(true);
  }

  close(): void {
    this.#closed = true;
    this.#unfollow?.();
    this.#wake(true);
  }

  #lose(why: string): void {
    const lost: HistorySubscriber[] = [];
    this.#index.forEach((sub) => lost.push(sub));
    this.#log.warn('history: events lost for this node\'s subscribers; closing their connections', { namespace: this.namespace, why, subscribers: lost.length });
    for (const sub of lost) sub.lost();
  }

  #wake(all = false): void {
    if (this.#waiters.length === 0) return;
    const waiting: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (all || waiter.offset <= this.#last) waiter.resolve();
      else waiting.push(waiter);
    }
    this.#waiters = waiting;
  }
}

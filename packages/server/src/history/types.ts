import type { BrokerMessage } from '../broker/types.js';

/**
 * Where an event sits in its namespace's history. `epoch` names one life of the history: it
 * changes when the history is lost or reset, and positions of an old epoch mean nothing in a new
 * one. `offset` counts the namespace's events: the first event is 1, and each event published on
 * any channel of the namespace takes the next one. `offset` 0 is "before the first event".
 */
export interface Position {
  readonly epoch: string;
  readonly offset: number;
}

/** How much history a namespace keeps: the newest `size` events, none older than `ttlMs`. */
export interface Retention {
  readonly size: number;
  readonly ttlMs: number;
}

/** One stored event. */
export interface HistoryEntry {
  readonly offset: number;
  /** The concrete channel it was published on: `/ns/a/b`. */
  readonly channel: string;
  /** The identifier the publisher was given. */
  readonly id: string;
  /** The event as the publisher's JSON string (decision D1). */
  readonly payload: string;
  /** When it was stored, in ms since the epoch, by the store's clock. */
  readonly time: number;
}

/** What `HistoryStore.read` asks for. */
export interface ReadQuery {
  /**
   * Events with an offset above this one, oldest first. Without it: the newest `limit` matching
   * events (still oldest first).
   */
  readonly after?: number;
  /** Only events at or below this offset. */
  readonly through?: number;
  /** At most this many events. */
  readonly limit: number;
  /** Only events on channels this pattern matches (an exact channel or `/prefix/*`). @default every channel */
  readonly match?: string;
}

/** A read: the state of the namespace's history and the events asked for. */
export interface HistorySlice {
  readonly epoch: string;
  /** The offset of the namespace's newest event; 0 when it has none yet. */
  readonly top: number;
  /**
   * Every event at or below this offset is gone (evicted by size or expired by age): a reader
   * whose last offset is below `floor` has missed events that can no longer be read. `top` when
   * nothing is kept.
   */
  readonly floor: number;
  readonly events: readonly HistoryEntry[];
  /** True when more matching events (at or below `through`) follow the last one returned. */
  readonly more: boolean;
}

/** Receives a followed namespace's events. Called in order; must not throw. */
export interface FollowListener {
  /** Events appended after the follow's start, in offset order, each once, in batches. */
  events(entries: readonly HistoryEntry[]): void;
  /**
   * The history was reset (a new epoch): nothing after the follow's last offset can be read any
   * more. Following goes on in the new epoch from `position` (its events arrive after this call).
   */
  reset(position: Position): void;
}

/** Ends a follow: no more calls to its listener. */
export type Unfollow = () => void;

/**
 * A per-namespace history of events that is also the live stream of the namespace's events: every
 * node reads the namespace's new events from the store, in offset order, instead of receiving
 * them through the broker (docs/history.md, "Design"). One instance per node; the stores of the
 * nodes of one cluster share the same data (memory: the same instance; SQLite: one node only;
 * Redis Streams; NATS JetStream).
 *
 * Contract (every implementation passes `historyStoreContract` in `contract.ts`):
 * - Offsets: `append` gives the events of a message increasing offsets above the namespace's top,
 *   in their order, and every reader and follower sees the namespace's events in offset order.
 *   Memory, SQLite and Redis give one append consecutive offsets; JetStream stores each event as
 *   a message of its own, so events of concurrent appends from other nodes may come between.
 *   Namespaces are independent.
 * - Epoch: stable for as long as the store keeps the namespace's history; a new one (never seen
 *   before) when it was lost (a store that keeps nothing across restarts, a deleted key or stream).
 * - Retention: a read never returns an event evicted by size (more than `size` below the top) or
 *   older than `ttlMs`; `floor` tells where what is gone ends. Stores free the space too, at their
 *   own pace.
 * - Follow: `follow(namespace, from, listener)` delivers every event appended after `from` (the
 *   current top when `from` is undefined; the position it resolves with), in offset order, each
 *   once. Events after `from` that are gone when the follower reaches them are skipped: the
 *   listener sees offsets jump, which is how it knows. When `from` is of another epoch, or the
 *   history is reset while following, `listener.reset` is called. A follow survives the store's
 *   link dropping: it resumes where it was when the link is back.
 * - Failures: `append` and `read` reject while the store is unreachable; a rejected `append` may
 *   still have stored the events (the link dropped after the store took them).
 */
export interface HistoryStore {
  /** True while the store takes appends and its followers are connected. */
  readonly ready: boolean;
  /** Connects. @throws Error naming the store when it cannot be reached. */
  start(): Promise<void>;
  /** Appends `message`'s events; resolves with the position of its last event. */
  append(namespace: string, message: BrokerMessage): Promise<Position>;
  read(namespace: string, query: ReadQuery): Promise<HistorySlice>;
  /** See "Follow" above. Resolves with the position following starts after. */
  follow(namespace: string, from: Position | undefined, listener: FollowListener): Promise<{ position: Position; unfollow: Unfollow }>;
  close(): Promise<void>;
}

import { interestMatches, type BrokerMessage } from '../broker/types.js';
import { LocalFollowers, selectEntries } from './local-followers.js';
import { expired, newEpoch } from './position.js';
import type { FollowListener, HistoryEntry, HistorySlice, HistoryStore, Position, ReadQuery, Retention, Unfollow } from './types.js';

interface Log {
  readonly epoch: string;
  top: number;
  /** Kept entries, oldest first; `entries[head]` is the oldest still kept. */
  entries: HistoryEntry[];
  head: number;
  lastTime: number;
}

/**
 * History in this process's memory, for the memory broker: nothing survives a restart (every
 * restart is a new epoch). Appends run synchronously and hand their entries to the followers
 * before returning, so several nodes of one process (a `MemoryHub`) share one instance.
 */
export class MemoryHistoryStore implements HistoryStore {
  readonly #retention: ReadonlyMap<string, Retention>;
  readonly #logs = new Map<string, Log>();
  readonly #followers = new LocalFollowers();
  readonly #now: () => number;
  readonly #sweep: NodeJS.Timeout;
  #closed = false;

  /** `retention`: the namespaces that keep history. */
  constructor(retention: ReadonlyMap<string, Retention>, now: () => number = Date.now) {
    this.#retention = retention;
    this.#now = now;
    // Frees what expired in namespaces that see no appends.
    this.#sweep = setInterval(() => {
      for (const [namespace, log] of this.#logs) this.#trim(log, this.#retentionOf(namespace));
    }, 1000).unref();
  }

  get ready(): boolean {
    return !this.#closed;
  }

  async start(): Promise<void> {}

  async append(namespace: string, message: BrokerMessage): Promise<Position> {
    if (this.#closed) throw new Error('the memory history store is closed');
    const retention = this.#retentionOf(namespace);
    const log = this.#log(namespace);
    const time = (log.lastTime = Math.max(log.lastTime, this.#now()));
    const first = log.top + 1;
    const added = message.events.map((event, i) => ({ offset: first + i, channel: message.channel, id: event.id, payload: event.payload, time }));
    log.top += added.length;
    log.entries.push(...added);
    this.#trim(log, retention);
    this.#followers.events(namespace, added);
    return { epoch: log.epoch, offset: log.top };
  }

  async read(namespace: string, query: ReadQuery): Promise<HistorySlice> {
    if (this.#closed) throw new Error('the memory history store is closed');
    return this.#read(namespace, query);
  }

  #read(namespace: string, query: ReadQuery): HistorySlice {
    const log = this.#log(namespace);
    this.#trim(log, this.#retentionOf(namespace));
    const firstKept = log.entries[log.head]?.offset;
    const floor = firstKept === undefined ? log.top : firstKept - 1;
    // Offsets are consecutive, so the first entry after `after` is found by arithmetic.
    const start = query.after === undefined || firstKept === undefined ? log.head : log.head + Math.max(0, query.after + 1 - firstKept);
    const { events, more } = selectEntries(log.entries.slice(start), query, interestMatches);
    return { epoch: log.epoch, top: log.top, floor, events, more };
  }

  async follow(namespace: string, from: Position | undefined, listener: FollowListener): Promise<{ position: Position; unfollow: Unfollow }> {
    if (this.#closed) throw new Error('the memory history store is closed');
    const log = this.#log(namespace);
    const position = { epoch: log.epoch, offset: log.top };
    if (from !== undefined && from.epoch !== log.epoch) listener.reset(position);
    else if (from !== undefined && from.offset < log.top) {
      // Synchronously with adding the listener below: no append can come between.
      const missed = this.#read(namespace, { after: from.offset, limit: Infinity }).events;
      if (missed.length > 0) listener.events(missed);
    }
    return { position, unfollow: this.#followers.add(namespace, listener) };
  }

  /** Forgets `namespace`'s history, as a restart would: its next append starts a new epoch. Followers are told. */
  reset(namespace: string): void {
    this.#logs.delete(namespace);
    const log = this.#log(namespace);
    this.#followers.reset(namespace, { epoch: log.epoch, offset: 0 });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweep);
    this.#followers.clear();
  }

  #retentionOf(namespace: string): Retention {
    const retention = this.#retention.get(namespace);
    if (retention === undefined) throw new Error(`namespace ${namespace} keeps no history`);
    return retention;
  }

  #log(namespace: string): Log {
    let log = this.#logs.get(namespace);
    if (log === undefined) this.#logs.set(namespace, (log = { epoch: newEpoch(), top: 0, entries: [], head: 0, lastTime: 0 }));
    return log;
  }

  #trim(log: Log, retention: Retention): void {
    const now = this.#now();
    const keepFrom = log.top - retention.size; // offsets at or below are evicted by size
    while (log.head < log.entries.length) {
      const entry = log.entries[log.head]!;
      if (entry.offset > keepFrom && !expired(entry, retention.ttlMs, now)) break;
      log.head++;
    }
    // Drop the evicted prefix once it is large, so trimming stays O(1) per entry on average.
    if (log.head > 1024 && log.head * 2 > log.entries.length) {
      log.entries = log.entries.slice(log.head);
      log.head = 0;
    }
  }
}

import { Redis, type RedisOptions } from 'ioredis';
import { interestMatches, type BrokerMessage } from '../broker/types.js';
import { redactUrl } from '../broker/redis-codec.js';
import type { Logger } from '../log/logger.js';
import { expired, newEpoch } from './position.js';
import { RedisFollower } from './redis-follower.js';
import { APPEND_SCRIPT, READ_SCRIPT, parseEntry, type RawEntry } from './redis-scripts.js';
import type { FollowListener, HistoryEntry, HistorySlice, HistoryStore, Position, ReadQuery, Retention, Unfollow } from './types.js';

export interface RedisHistoryStoreOptions {
  url: string;
  /** Keys are `${prefix}:history:{<namespace>}` (the stream) and `...:meta`. */
  prefix: string;
  retention: ReadonlyMap<string, Retention>;
  log: Logger;
}

/** Entries read per round trip when a read filters by channel. */
const PAGE = 500;
const COMMAND_TIMEOUT_MS = 1500;

type Commands = Redis & {
  sbHistoryAppend(stream: string, meta: string, ...args: (string | number)[]): Promise<[string, number]>;
  sbHistoryRead(stream: string, meta: string, ...args: (string | number)[]): Promise<[string, number, number, number, RawEntry[]]>;
};

/**
 * History in Redis Streams, with the Redis broker: one stream per namespace, written by a Lua
 * script that takes the next offsets from the namespace's meta hash and adds the entries in one
 * atomic step (`redis-scripts.ts`). Nodes follow the streams with `XREAD` (`RedisFollower`), so the
 * live order is the offset order, and a follower that lost its link resumes from its last offset.
 * Retention: `XADD MAXLEN = size` (exact, so a follower that fell behind sees the offsets jump)
 * and the expired head trimmed on every append and read; the stream
 * key itself expires after `ttlMs` without appends (the meta hash stays, so offsets go on).
 */
export class RedisHistoryStore implements HistoryStore {
  readonly #redis: Commands;
  readonly #follower: RedisFollower;
  readonly #options: RedisHistoryStoreOptions;
  readonly #url: string;

  constructor(options: RedisHistoryStoreOptions) {
    this.#options = options;
    this.#url = redactUrl(options.url);
    const common: RedisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectTimeout: 5000,
      retryStrategy: (attempt) => Math.round(Math.min(50 * 2 ** attempt, 2000) * (0.8 + Math.random() * 0.4)),
    };
    this.#redis = new Redis(options.url, { ...common, commandTimeout: COMMAND_TIMEOUT_MS, connectionName: 'switchboard-history' }) as Commands;
    this.#redis.defineCommand('sbHistoryAppend', { numberOfKeys: 2, lua: APPEND_SCRIPT });
    this.#redis.defineCommand('sbHistoryRead', { numberOfKeys: 2, lua: READ_SCRIPT });
    this.#redis.on('error', (err: Error) => options.log.debug('history connection error', { reason: err.message }));
    this.#follower = new RedisFollower({
      redis: new Redis(options.url, { ...common, connectionName: 'switchboard-history-follow' }),
      unblock: (id) => this.#redis.client('UNBLOCK', id).then(() => undefined),
      keys: (namespace) => this.#keys(namespace),
      epoch: async (namespace) => (await this.#page(namespace, 0, 0, 1, false)).epoch,
      log: options.log,
    });
  }

  get ready(): boolean {
    return this.#redis.status === 'ready' && this.#follower.ready;
  }

  async start(): Promise<void> {
    try {
      await Promise.all([this.#redis.connect(), this.#follower.start()]);
    } catch (err) {
      await this.close();
      throw new Error(`Redis history store cannot connect to ${this.#url}`, { cause: err });
    }
  }

  async append(namespace: string, message: BrokerMessage): Promise<Position> {
    const { size, ttlMs } = this.#retentionOf(namespace);
    const args: (string | number)[] = [size, ttlMs, newEpoch(), message.channel];
    for (const event of message.events) args.push(event.id, event.payload);
    const [stream, meta] = this.#keys(namespace);
    const [epoch, offset] = await this.#redis.sbHistoryAppend(stream, meta, ...args);
    return { epoch, offset: Number(offset) + message.events.length - 1 };
  }

  async read(namespace: string, query: ReadQuery): Promise<HistorySlice> {
    const { ttlMs } = this.#retentionOf(namespace);
    const descending = query.after === undefined;
    const pageSize = query.match === undefined ? Math.min(query.limit + 1, 10_000) : PAGE;
    let from = descending ? 0 : query.after! + 1;
    let to = query.through ?? Number.MAX_SAFE_INTEGER;
    const found: HistoryEntry[] = [];
    let first: { epoch: string; top: number } | undefined;
    let floor = 0;
    for (;;) {
      const page = await this.#page(namespace, from, to, pageSize, descending);
      if (first !== undefined && page.epoch !== first.epoch) throw new Error(`the history of ${namespace} was reset during a read`);
      first ??= page;
      floor = Math.max(floor, page.floor);
      for (const entry of page.entries) {
        if (expired(entry, ttlMs, page.now)) floor = Math.max(floor, entry.offset);
        else if (query.match === undefined || interestMatches(query.match, entry.channel)) found.push(entry);
      }
      const last = page.entries[page.entries.length - 1];
      if (last === undefined || page.entries.length < pageSize || found.length > query.limit || (descending && found.length >= query.limit)) break;
      if (descending) to = last.offset - 1;
      else from = last.offset + 1;
    }
    const live = found.filter((e) => e.offset > floor);
    const events = descending ? live.slice(0, query.limit).reverse() : live.slice(0, query.limit);
    return { epoch: first.epoch, top: first.top, floor, events, more: !descending && live.length > query.limit };
  }

  follow(namespace: string, from: Position | undefined, listener: FollowListener): Promise<{ position: Position; unfollow: Unfollow }> {
    return this.#follower.follow(namespace, from ?? (async () => {
      const page = await this.#page(namespace, 0, 0, 1, false);
      return { epoch: page.epoch, offset: page.top };
    }), listener);
  }

  async close(): Promise<void> {
    await this.#follower.close();
    await this.#redis.quit().catch(() => undefined);
    this.#redis.disconnect();
  }

  /** One script call: `count` entries from `from` to `to` (inclusive), ascending or descending. */
  async #page(namespace: string, from: number, to: number, count: number, descending: boolean): Promise<{ epoch: string; top: number; floor: number; now: number; entries: HistoryEntry[] }> {
    const { size, ttlMs } = this.#retentionOf(namespace);
    const [stream, meta] = this.#keys(namespace);
    const [epoch, top, floor, now, raw] = await this.#redis.sbHistoryRead(stream, meta, from, to, count, descending ? 1 : 0, size, ttlMs, newEpoch());
    return { epoch, top: Number(top), floor: Number(floor), now: Number(now), entries: raw.map(parseEntry) };
  }

  #keys(namespace: string): [string, string] {
    const stream = `${this.#options.prefix}:history:{${namespace}}`;
    return [stream, `${stream}:meta`];
  }

  #retentionOf(namespace: string): Retention {
    const retention = this.#options.retention.get(namespace);
    if (retention === undefined) throw new Error(`namespace ${namespace} keeps no history`);
    return retention;
  }
}

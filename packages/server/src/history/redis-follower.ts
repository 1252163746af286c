import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { parseEntry, type RawEntry } from './redis-scripts.js';
import type { FollowListener, Position, Unfollow } from './types.js';

export interface RedisFollowerOptions {
  /** A connection of its own: it spends its time blocked in `XREAD`. */
  redis: Redis;
  /** `CLIENT UNBLOCK id` on another connection, to make the follower pick up a new stream at once. */
  unblock(clientId: number): Promise<void>;
  /** The namespace's stream and meta keys. */
  keys(namespace: string): [string, string];
  /** The namespace's current epoch (created when it has none). */
  epoch(namespace: string): Promise<string>;
  log: Logger;
}

interface Follow {
  readonly namespace: string;
  readonly stream: string;
  epoch: string;
  last: number;
  readonly listener: FollowListener;
}

/** How long one XREAD blocks; a link that does not answer within this plus COMMAND_SLACK_MS is redialled. */
const BLOCK_MS = 1000;
const COMMAND_SLACK_MS = 1500;
/** How often the epochs of the followed namespaces are checked (also after every reconnect). */
const EPOCH_CHECK_MS = 2000;

/**
 * Follows the streams of the namespaces this node follows with one blocking `XREAD` at a time on
 * its own connection, from each follow's last offset: live order is offset order, and after a
 * dropped link it reads on from where it was, which recovers what came meanwhile. A reset history
 * (the meta hash lost: Redis restarted without persistence, the keys deleted) is noticed by the
 * epoch checks and reported to the listeners, which then follow the new epoch from its start.
 */
export class RedisFollower {
  readonly #options: RedisFollowerOptions;
  readonly #redis: Redis;
  readonly #follows = new Set<Follow>();
  #clientId: number | undefined;
  #blocked = false;
  #wake: (() => void) | undefined;
  #checkedAt = 0;
  #closed = false;
  #loop: Promise<void> | undefined;

  constructor(options: RedisFollowerOptions) {
    this.#options = options;
    this.#redis = options.redis;
    this.#redis.options.commandTimeout = BLOCK_MS + COMMAND_SLACK_MS;
    this.#redis.on('error', (err: Error) => options.log.debug('history follower connection error', { reason: err.message }));
    this.#redis.on('ready', () => {
      this.#checkedAt = 0;
      this.#redis.client('ID').then((id) => (this.#clientId = Number(id)), () => undefined);
    });
  }

  get ready(): boolean {
    return this.#redis.status === 'ready';
  }

  async start(): Promise<void> {
    await this.#redis.connect();
    this.#loop = this.#run();
  }

  /** Follows `namespace` from `from` (a position, or a function that reads the current top). */
  async follow(namespace: string, from: Position | (() => Promise<Position>), listener: FollowListener): Promise<{ position: Position; unfollow: Unfollow }> {
    if (this.#closed) throw new Error('the Redis history follower is closed');
    let position = typeof from === 'function' ? await from() : from;
    if (typeof from !== 'function') {
      const epoch = await this.#options.epoch(namespace);
      if (epoch !== position.epoch) {
        position = { epoch, offset: 0 };
        listener.reset(position);
      }
    }
    const follow: Follow = { namespace, stream: this.#options.keys(namespace)[0], epoch: position.epoch, last: position.offset, listener };
    this.#follows.add(follow);
    this.#interrupt();
    return { position, unfollow: () => void this.#follows.delete(follow) };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#follows.clear();
    this.#interrupt();
    this.#redis.disconnect();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      if (this.#follows.size === 0 || this.#redis.status !== 'ready') {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          if (this.#follows.size > 0) setTimeout(resolve, 50);
        });
        this.#wake = undefined;
        continue;
      }
      try {
        if (Date.now() - this.#checkedAt > EPOCH_CHECK_MS) await this.#checkEpochs();
        await this.#read();
      } catch (err) {
        if (this.#closed) return;
        const reason = err instanceof Error ? err.message : String(err);
        this.#options.log.debug('history follower read failed', { reason });
        // A link that stays open but does not answer: redial it.
        if (/timed out/i.test(reason) && this.#redis.status === 'ready') this.#redis.disconnect(true);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  async #read(): Promise<void> {
    const from = new Map<string, number>();
    for (const follow of this.#follows) from.set(follow.stream, Math.min(from.get(follow.stream) ?? Infinity, follow.last));
    const streams = [...from.keys()];
    this.#blocked = true;
    let reply: unknown;
    try {
      reply = await this.#redis.call('XREAD', 'COUNT', 1000, 'BLOCK', BLOCK_MS, 'STREAMS', ...streams, ...streams.map((s) => `${from.get(s)}-0`));
    } finally {
      this.#blocked = false;
    }
    if (!Array.isArray(reply)) return;
    for (const [stream, raw] of reply as [string, RawEntry[]][]) {
      const entries = raw.map(parseEntry);
      for (const follow of [...this.#follows]) {
        if (follow.stream !== stream || !this.#follows.has(follow)) continue;
        const fresh = entries.filter((e) => e.offset > follow.last);
        if (fresh.length === 0) continue;
        follow.last = fresh[fresh.length - 1]!.offset;
        follow.listener.events(fresh);
      }
    }
  }

  async #checkEpochs(): Promise<void> {
    const namespaces = new Set([...this.#follows].map((f) => f.namespace));
    for (const namespace of namespaces) {
      const epoch = await this.#options.epoch(namespace);
      for (const follow of this.#follows) {
        if (follow.namespace !== namespace || follow.epoch === epoch) continue;
        follow.epoch = epoch;
        follow.last = 0;
        follow.listener.reset({ epoch, offset: 0 });
      }
    }
    this.#checkedAt = Date.now();
  }

  #interrupt(): void {
    if (this.#wake !== undefined) this.#wake();
    else if (this.#blocked && this.#clientId !== undefined) this.#options.unblock(this.#clientId).catch(() => undefined);
  }
}

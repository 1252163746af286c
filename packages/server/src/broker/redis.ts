import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../log/logger.js';
import { DEFAULT_PROBE, LinkProbe, type ProbeOptions } from './link-probe.js';
import { PingBatcher } from './ping-batcher.js';
import { Readiness } from './readiness.js';
import { SubscriptionBatcher, type SubscriptionCommand } from './redis-batch.js';
import { decodeMessage, encodeMessage, escapeGlob, redactUrl } from './redis-codec.js';
import { anyInterestMatches, interestMatches, type Broker, type BrokerMessage, type BrokerStatus, type Interest } from './types.js';

export interface RedisBrokerOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. Never logged with its password. */
  url: string;
  /** Every Redis channel is `${prefix}:${channel}`, so several APIs can share one Redis. */
  prefix: string;
  log: Logger;
  /** How each connection is probed (`PING`). @default DEFAULT_PROBE */
  probe?: ProbeOptions;
}

/** Counters since `start`, for metrics and tests. */
export interface RedisBrokerStats {
  /** Messages this node handed to Redis. */
  published: number;
  /** Messages Redis sent to this node, duplicates included: the broker traffic the node receives. */
  received: number;
  /** Messages passed to `deliver`. */
  delivered: number;
}

/** How long a command may wait for Redis before it fails: a publish never hangs on a dead link. */
const COMMAND_TIMEOUT_MS = 1500;
const CONNECT_TIMEOUT_MS = 5000;
const RETRY_MAX_MS = 2000;

type Connection = 'publish' | 'subscribe';

/**
 * A broker on Redis pub/sub, for several nodes sharing one Redis.
 *
 * Interest: the node subscribes in Redis only to what `subscribe` asked for: `SUBSCRIBE
 * prefix:/ns/a` for an exact channel, `PSUBSCRIBE prefix:/ns/a/*` for a wildcard (the glob needs the
 * `/` after `/ns/a`, so it matches neither `/ns/a` nor `/ns/ab`; channel segments hold no glob
 * characters, and the prefix is escaped). Changes made in one event-loop turn go out as one command.
 *
 * Once per node: Redis sends one copy of a publish per matching subscription, back to back on the
 * subscriber connection. Every publish carries a stamp (node id and sequence number); the node
 * delivers the first copy that arrives through an interest it still holds and drops the following
 * copies with the same stamp. This holds at every instant, including while an interest is being
 * added or removed: an interest counts from its `subscribe` call (a copy can only come through it
 * once Redis has it) until its `unsubscribe` call (copies still in flight through it are dropped at
 * once, so a message published just before `unsubscribe` and matching nothing else is not
 * delivered; one published just after `subscribe` resolved always is).
 *
 * Two connections: Redis reserves a connection in subscriber mode, so publishes go through their
 * own; one publishing connection keeps this node's publishes in call order (D15).
 *
 * Readiness (`Broker.ready`): both connections up and answering, and every interest held
 * subscribed on the current subscriber connection. Each connection is sent a `PING` every
 * `probe.intervalMs`; one not answered within `probe.timeoutMs` (or `COMMAND_TIMEOUT_MS`, whichever
 * is shorter) means the link is open but dead: the broker turns not ready and redials that
 * connection. `publish` refuses while not ready, fails a message whose acceptance came back after
 * readiness was lost (`Readiness.confirm`), and waits for this node's own copy (see `publish`):
 * without that, a publishing connection that is back before the subscriber connection
 * re-subscribed would acknowledge messages this node never gets.
 *
 * Outage: no command is queued while Redis is unreachable (`publish` and `subscribe` reject at once,
 * or after `COMMAND_TIMEOUT_MS` on a silent link) and none is replayed, so nothing is delivered
 * twice. Both connections reconnect with capped exponential backoff; the subscriber connection then
 * subscribes again to every interest held, and the broker is ready again once Redis confirmed them.
 * Messages published during the outage are lost for this node (at most once). Logs `broker
 * disconnected` (warn) and `broker reconnected` (info), once each per transition.
 *
 * @example
 * const broker = new RedisBroker({ url: 'redis://127.0.0.1:6379', prefix: 'switchboard', log });
 * await broker.start((message) => fanout(message));
 */
export class RedisBroker implements Broker {
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #log: Logger;
  readonly #url: string;
  readonly #channelPrefix: string;
  readonly #patternPrefix: string;
  readonly #node = randomBytes(6).toString('base64url');
  #sequence = 0;
  /** Interests held, from `subscribe` to `unsubscribe`, each with a token naming the call that added it. */
  readonly #interests = new Map<Interest, object>();
  readonly #batcher: SubscriptionBatcher;
  /** Per connection: up (the subscriber one: and every interest subscribed again). */
  readonly #links: Record<Connection, boolean> = { publish: false, subscribe: false };
  readonly #readiness: Readiness;
  readonly #probes: LinkProbe[];
  /** PINGs on the subscriber connection, one per event-loop turn, to confirm publishes (see `publish`). */
  readonly #subscriberAlive: PingBatcher;
  readonly #stats: RedisBrokerStats = { published: 0, received: 0, delivered: 0 };
  #deliver: ((message: BrokerMessage) => void) | undefined;
  #lastStamp = '';
  #closing: Promise<void> | undefined;
  #lastError: string | undefined;

  constructor(options: RedisBrokerOptions) {
    this.#log = options.log;
    this.#url = redactUrl(options.url);
    this.#channelPrefix = `${options.prefix}:`;
    this.#patternPrefix = `${escapeGlob(options.prefix)}:`;
    const common: RedisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      autoResubscribe: false,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.round(Math.min(50 * 2 ** attempt, RETRY_MAX_MS) * (0.8 + Math.random() * 0.4)),
    };
    this.#pub = new Redis(options.url, { ...common, connectionName: 'switchboard-publish' });
    this.#sub = new Redis(options.url, { ...common, connectionName: 'switchboard-subscribe' });
    this.#batcher = new SubscriptionBatcher((command, keys) => this.#send(command, keys));
    this.#readiness = new Readiness(this.#log, { url: this.#url });
    this.#subscriberAlive = new PingBatcher(() => this.#sub.ping(), COMMAND_TIMEOUT_MS);
    const probe = options.probe ?? DEFAULT_PROBE;
    this.#probes = [this.#probe('publish', this.#pub, probe), this.#probe('subscribe', this.#sub, probe)];
    this.#watch('publish', this.#pub);
    this.#watch('subscribe', this.#sub);
    this.#pub.on('ready', () => this.#setLink('publish', true));
    this.#sub.on('ready', () => this.#resubscribe());
    this.#sub.on('message', (channel: string, raw: string) => {
      this.#receive(channel.startsWith(this.#channelPrefix) ? channel.slice(this.#channelPrefix.length) : undefined, raw);
    });
    this.#sub.on('pmessage', (pattern: string, _channel: string, raw: string) => {
      this.#receive(pattern.startsWith(this.#patternPrefix) ? pattern.slice(this.#patternPrefix.length) : undefined, raw);
    });
  }

  get ready(): boolean {
    return this.#readiness.ready;
  }

  get stats(): Readonly<RedisBrokerStats> {
    return { ...this.#stats };
  }

  /** Connects both connections; rejects (and stops retrying) when Redis cannot be reached. */
  async start(deliver: (message: BrokerMessage) => void, onStatus?: (status: BrokerStatus) => void): Promise<void> {
    this.#deliver = deliver;
    try {
      await Promise.all([this.#pub.connect(), this.#sub.connect()]);
    } catch (err) {
      this.#pub.disconnect();
      this.#sub.disconnect();
      throw new Error(`Redis broker cannot connect to ${this.#url}: ${this.#lastError ?? errorMessage(err)}`, { cause: err });
    }
    this.#readiness.start(this.#links.publish && this.#links.subscribe, onStatus);
    for (const probe of this.#probes) probe.start();
  }

  /**
   * Resolves once Redis took the message and, when one of this node's interests matches it, once
   * this node has received its own copy: the subscriber connection answered a PING sent after Redis
   * accepted the message, so it was still subscribed when Redis routed the message (Redis runs
   * commands one at a time), and the copy came in before the answer. Without that check, a
   * subscriber connection that Redis had already dropped, unbeknown to this node, would let it
   * acknowledge a message its own subscribers never get.
   */
  async publish(message: BrokerMessage): Promise<void> {
    if (this.#closing) throw new Error('RedisBroker is closed');
    const stamp = `${this.#node}:${(this.#sequence++).toString(36)}`;
    try {
      const ticket = this.#readiness.admit('the Redis broker');
      // Called synchronously, so publishes enter the one connection in call order.
      await this.#pub.publish(this.#channelPrefix + message.channel, encodeMessage(stamp, message));
      this.#stats.published++;
      if (anyInterestMatches(this.#interests, message.channel)) await this.#subscriberAlive.wait();
      this.#readiness.confirm(ticket, 'the Redis broker');
    } catch (err) {
      throw new Error(`Redis broker at ${this.#url} did not take the message: ${errorMessage(err)}`, { cause: err });
    }
  }

  async subscribe(pattern: Interest): Promise<void> {
    if (this.#closing) throw new Error('RedisBroker is closed');
    const token = {};
    this.#interests.set(pattern, token);
    const wildcard = pattern.endsWith('/*');
    try {
      await this.#batcher.request(wildcard ? 'psubscribe' : 'subscribe', this.#key(pattern));
    } catch (err) {
      if (this.#interests.get(pattern) === token) {
        this.#interests.delete(pattern);
        // A timed-out SUBSCRIBE may still take effect: take it back. A lost connection needs
        // nothing, its replacement starts with no subscriptions.
        if (this.#sub.status === 'ready' && !this.#closing) {
          this.#batcher.request(wildcard ? 'punsubscribe' : 'unsubscribe', this.#key(pattern)).catch(() => undefined);
        }
      }
      throw new Error(`Redis broker at ${this.#url} could not subscribe to ${pattern}: ${errorMessage(err)}`, { cause: err });
    }
  }

  async unsubscribe(pattern: Interest): Promise<void> {
    if (this.#closing) return;
    this.#interests.delete(pattern);
    try {
      await this.#batcher.request(pattern.endsWith('/*') ? 'punsubscribe' : 'unsubscribe', this.#key(pattern));
    } catch (err) {
      // Without a connection there is nothing to undo: the next one subscribes only to held interests.
      if (this.#sub.status !== 'ready') return;
      throw new Error(`Redis broker at ${this.#url} could not unsubscribe from ${pattern}: ${errorMessage(err)}`, { cause: err });
    }
  }

  /** Quits both connections. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    for (const probe of this.#probes) probe.stop();
    this.#readiness.close();
    this.#subscriberAlive.failAll(new Error('RedisBroker is closed'));
    this.#batcher.cancel(new Error('RedisBroker is closed'));
    this.#interests.clear();
    await Promise.allSettled([this.#pub.quit(), this.#sub.quit()]);
    this.#pub.disconnect();
    this.#sub.disconnect();
  }

  /** The Redis channel or pattern of an interest; a wildcard's trailing `*` stays a glob. */
  #key(pattern: Interest): string {
    return pattern.endsWith('/*') ? this.#patternPrefix + pattern : this.#channelPrefix + pattern;
  }

  #send(command: SubscriptionCommand, keys: string[]): Promise<unknown> {
    switch (command) {
      case 'subscribe':
        return this.#sub.subscribe(...keys);
      case 'psubscribe':
        return this.#sub.psubscribe(...keys);
      case 'unsubscribe':
        return this.#sub.unsubscribe(...keys);
      case 'punsubscribe':
        return this.#sub.punsubscribe(...keys);
    }
  }

  /** One copy of a message, which came through `interest` (undefined: not one of ours). */
  #receive(interest: Interest | undefined, raw: string): void {
    this.#stats.received++;
    if (this.#closing || this.#deliver === undefined || interest === undefined || !this.#interests.has(interest)) return;
    const decoded = decodeMessage(raw);
    if (decoded === undefined || !interestMatches(interest, decoded.message.channel)) {
      this.#log.debug('broker message ignored: not a Switchboard message', { interest });
      return;
    }
    if (decoded.stamp === this.#lastStamp) return;
    this.#lastStamp = decoded.stamp;
    this.#stats.delivered++;
    try {
      this.#deliver(decoded.message);
    } catch (err) {
      this.#log.error('broker deliver callback threw', { channel: decoded.message.channel, err });
    }
  }

  /** After every (re)connection of the subscriber connection: subscribe to every held interest. */
  #resubscribe(): void {
    const channels: string[] = [];
    const patterns: string[] = [];
    for (const interest of this.#interests.keys()) (interest.endsWith('/*') ? patterns : channels).push(this.#key(interest));
    if (channels.length === 0 && patterns.length === 0) return this.#setLink('subscribe', true);
    Promise.all([
      channels.length > 0 ? this.#sub.subscribe(...channels) : undefined,
      patterns.length > 0 ? this.#sub.psubscribe(...patterns) : undefined,
    ]).then(
      // A reply comes only on a live connection: ioredis fails the commands of a connection that closes.
      () => this.#setLink('subscribe', true),
      (err: unknown) => {
        if (this.#closing || this.#sub.status !== 'ready') return; // the next connection tries again
        this.#log.warn('broker resubscribe failed; reconnecting', { url: this.#url, reason: errorMessage(err) });
        this.#sub.disconnect(true);
      },
    );
  }

  #watch(name: Connection, client: Redis): void {
    client.on('error', (err: Error) => {
      this.#lastError = err.message;
      this.#log.debug('broker connection error', { connection: name, reason: err.message });
    });
    client.on('close', () => this.#setLink(name, false, `${name} connection: ${this.#lastError ?? 'closed'}`));
  }

  /** Sends `client` a PING on an interval; a live connection that does not answer is redialled. */
  #probe(name: Connection, client: Redis, options: ProbeOptions): LinkProbe {
    return new LinkProbe({
      ...options,
      check: () => (client.status === 'ready' ? client.ping() : Promise.resolve()),
      onFailure: ({ reason }) => {
        // A connection that closed meanwhile is already being redialled.
        if (client.status !== 'ready' || this.#closing) return;
        this.#setLink(name, false, `${name} connection did not answer a PING (${reason}); reconnecting`);
        client.disconnect(true);
      },
    });
  }

  #setLink(name: Connection, up: boolean, reason?: string): void {
    this.#links[name] = up;
    if (up && this.#links.publish && this.#links.subscribe) this.#lastError = undefined;
    if (!this.#closing) this.#readiness.update(this.#links.publish && this.#links.subscribe, reason);
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

import { Redis } from 'ioredis';
import type { DestinationConfig } from '../config/destinations-schema.js';
import type { Logger } from '../log/logger.js';
import { shownUrl } from './shown-url.js';
import { compileTemplate, type Template } from './template.js';
import { DestinationError, unavailable, type Destination, type EntryFailure, type OutboundEvent, type SendResult } from './types.js';

type RedisStreamConfig = Extract<DestinationConfig, { type: 'REDIS_STREAM' }>;

/**
 * Redis Streams (`ioredis`): each event is one `XADD` to the stream from the `stream` template
 * (segments joined by `:`), trimmed to `maxLen` (`MAXLEN ~` unless `approximate: false`), with the
 * fields `id`, `channel` and `event` (the envelope). Confirmed means Redis answered with the entry
 * id. A batch is one pipeline on one connection, so a stream receives events in send order. While
 * the connection is down, `send` rejects at once (no offline queue); it reconnects by itself.
 */
export class RedisStreamDestination implements Destination {
  readonly type = 'REDIS_STREAM';
  readonly maxBatch = 500;
  readonly name: string;
  readonly #stream: Template;
  readonly #redis: Redis;
  readonly #shown: string;
  #closed = false;

  constructor(
    private readonly config: RedisStreamConfig,
    private readonly log: Logger,
  ) {
    this.name = config.name;
    this.#stream = compileTemplate(config.stream, ':');
    this.#shown = shownUrl(config.url);
    this.#redis = new Redis(config.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectionName: `switchboard-forward-${config.name}`,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    });
    let up = false;
    this.#redis.on('ready', () => {
      up = true;
      log.info('Redis connected', { server: this.#shown });
    });
    this.#redis.on('error', (err: Error) => log.debug('Redis connection error', { server: this.#shown, err: err.message }));
    this.#redis.on('close', () => {
      if (up && !this.#closed) log.warn('Redis connection lost; reconnecting', { server: this.#shown });
      up = false;
    });
  }

  get connected(): boolean {
    return this.#redis.status === 'ready';
  }

  async start(): Promise<void> {
    this.#redis.connect().catch((err: unknown) => this.log.warn('Redis not reachable at start; retrying', { server: this.#shown, err: (err as Error).message }));
  }

  async send(batch: readonly OutboundEvent[]): Promise<SendResult> {
    if (!this.connected || this.#closed) throw unavailable(this.name);
    const failed: EntryFailure[] = [];
    const pipeline = this.#redis.pipeline();
    const trim = this.config.approximate ? ['MAXLEN', '~', this.config.maxLen] : ['MAXLEN', this.config.maxLen];
    const sent: number[] = [];
    batch.forEach((event, index) => {
      try {
        pipeline.xadd(this.#stream(event.channel), ...trim, '*', 'id', event.id, 'channel', event.channel.path, 'event', event.body);
        sent.push(index);
      } catch (err) {
        failed.push({ index, code: 'TemplateError', message: (err as Error).message, retryable: false });
      }
    });
    if (sent.length === 0) return { failed };
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await pipeline.exec();
    } catch (err) {
      throw new DestinationError('Unavailable', `Redis did not answer: ${(err as Error).message}`, true, { cause: err });
    }
    if (replies === null) throw new DestinationError('Unavailable', 'Redis did not answer the pipeline', true);
    replies.forEach(([err], k) => {
      // WRONGTYPE (the key is not a stream) and ERR (a bad argument) will not change; a lost connection, LOADING or OOM may.
      if (err !== null) failed.push({ index: sent[k]!, code: 'RedisError', message: err.message, retryable: !/^(WRONGTYPE|ERR)\b/.test(err.message) });
    });
    return { failed: failed.sort((a, b) => a.index - b.index) };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}

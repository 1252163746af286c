import { connect, type ChannelModel, type ConfirmChannel, type RecoveringChannelModel } from 'amqplib';
import type { DestinationConfig } from '../config/destinations-schema.js';
import type { Logger } from '../log/logger.js';
import { shownUrl } from './shown-url.js';
import { compileTemplate, type Template } from './template.js';
import { unavailable, type Destination, type EntryFailure, type OutboundEvent, type SendResult } from './types.js';

type RabbitMqConfig = Extract<DestinationConfig, { type: 'RABBITMQ' }>;

/**
 * RabbitMQ (`amqplib`): each event is published to `exchange` with the routing key from the
 * `routingKey` template (segments joined by `.`), on a confirm channel. Confirmed means RabbitMQ
 * acked it (for a durable queue and a persistent message: written to disk). With `mandatory`
 * (default), a message that no queue takes comes back and is refused as `Unroutable` instead of
 * vanishing. The connection recovers by itself; while it is down, `send` rejects at once.
 * Ordering: one channel, so RabbitMQ receives events in send order.
 */
export class RabbitMqDestination implements Destination {
  readonly type = 'RABBITMQ';
  readonly maxBatch = 500;
  readonly name: string;
  readonly #routingKey: Template;
  readonly #shown: string;
  #model: RecoveringChannelModel | undefined;
  #channel: ConfirmChannel | undefined;
  /** Message ids RabbitMQ returned as unroutable; their confirm comes next. */
  readonly #returned = new Set<string>();
  #closed = false;

  constructor(
    private readonly config: RabbitMqConfig,
    private readonly log: Logger,
  ) {
    this.name = config.name;
    this.#routingKey = compileTemplate(config.routingKey, '.');
    this.#shown = shownUrl(config.url);
  }

  get connected(): boolean {
    return this.#channel !== undefined;
  }

  async start(): Promise<void> {
    const model = await connect(this.config.url, { recovery: { initialDelay: 100, maxDelay: 5000, waitForConnect: false } });
    this.#model = model;
    model.on('connect', (raw: ChannelModel) => void this.#open(raw));
    model.on('disconnect', (err: Error) => {
      this.#channel = undefined;
      this.log.warn('RabbitMQ connection lost; reconnecting', { server: this.#shown, err: err.message });
    });
    model.on('connect-failed', (err: Error) => this.log.debug('RabbitMQ connection attempt failed', { server: this.#shown, err: err.message }));
    model.on('error', (err: Error) => this.log.warn('RabbitMQ connection error', { server: this.#shown, err: err.message }));
  }

  async send(batch: readonly OutboundEvent[]): Promise<SendResult> {
    const channel = this.#channel;
    if (channel === undefined || this.#closed) throw unavailable(this.name);
    const results = await Promise.all(batch.map((event, index) => this.#publish(channel, event, index)));
    return { failed: results.filter((r): r is EntryFailure => r !== undefined) };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#channel = undefined;
    await this.#model?.close();
  }

  #publish(channel: ConfirmChannel, event: OutboundEvent, index: number): Promise<EntryFailure | undefined> {
    let key: string;
    try {
      key = this.#routingKey(event.channel);
    } catch (err) {
      return Promise.resolve({ index, code: 'TemplateError', message: (err as Error).message, retryable: false });
    }
    const { exchange, persistent, mandatory } = this.config;
    const options = {
      persistent,
      mandatory,
      contentType: 'application/json',
      messageId: event.id,
      timestamp: Math.floor(Date.now() / 1000),
      headers: { 'x-switchboard-channel': event.channel.path },
    };
    return new Promise((resolve) => {
      try {
        channel.publish(exchange, key, Buffer.from(event.body, 'utf8'), options, (err: unknown) => {
          if (this.#returned.delete(event.id)) {
            resolve({ index, code: 'Unroutable', message: `no queue takes routing key "${key}" on exchange "${exchange}"`, retryable: false });
          } else if (err) {
            resolve({ index, code: 'NotConfirmed', message: `RabbitMQ did not confirm: ${err instanceof Error ? err.message : String(err)}`, retryable: true });
          } else resolve(undefined);
        });
      } catch (err) {
        resolve({ index, code: 'PublishFailed', message: (err as Error).message, retryable: true });
      }
    });
  }

  /** Opens the confirm channel on a (re)connection, and again whenever RabbitMQ closes it (an unknown exchange does). */
  async #open(model: ChannelModel): Promise<void> {
    try {
      const channel = await model.createConfirmChannel();
      channel.on('return', (message: { properties: { messageId?: unknown } }) => {
        if (typeof message.properties.messageId === 'string') this.#returned.add(message.properties.messageId);
      });
      channel.on('error', (err: Error) => this.log.warn('RabbitMQ channel error', { server: this.#shown, exchange: this.config.exchange, err: err.message }));
      channel.on('close', () => {
        if (this.#channel !== channel) return;
        this.#channel = undefined;
        if (!this.#closed) setTimeout(() => void this.#open(model), 200).unref();
      });
      this.#channel = channel;
      this.log.info('RabbitMQ connected', { server: this.#shown });
    } catch (err) {
      this.log.warn('RabbitMQ channel could not be opened', { server: this.#shown, err: (err as Error).message });
    }
  }
}

import { Kafka, logLevel, type Message, type Producer, type SASLOptions } from 'kafkajs';
import type { DestinationConfig } from '../config/destinations-schema.js';
import type { Logger } from '../log/logger.js';
import { compileTemplate, type Template } from './template.js';
import { DestinationError, unavailable, type Destination, type EntryFailure, type OutboundEvent, type SendResult } from './types.js';

type KafkaConfig = Extract<DestinationConfig, { type: 'KAFKA' }>;

/**
 * Kafka (`kafkajs`): each event goes to the topic from the `topic` template (segments joined by
 * `.`), keyed by its channel path, so one channel's events share a partition and keep their
 * order (an idempotent producer, one request in flight). Confirmed means every in-sync replica
 * has it (`acks: -1`). A batch is one produce request: it succeeds or fails as a whole.
 *
 * Not tested against a broker: none runs on the development machine. Its tests cover the
 * mapping and the refusals while no broker answers.
 */
export class KafkaDestination implements Destination {
  readonly type = 'KAFKA';
  readonly maxBatch = 500;
  readonly name: string;
  readonly #topic: Template;
  readonly #producer: Producer;
  #connected = false;
  #connecting = false;
  #closed = false;

  constructor(
    private readonly config: KafkaConfig,
    private readonly log: Logger,
  ) {
    this.name = config.name;
    this.#topic = compileTemplate(config.topic, '.');
    const kafka = new Kafka({
      clientId: config.clientId,
      brokers: config.brokers,
      ssl: config.ssl,
      ...(config.sasl === undefined ? {} : { sasl: config.sasl as SASLOptions }),
      connectionTimeout: 3000,
      retry: { retries: 2 },
      logCreator: () => (entry) => {
        if (entry.level <= logLevel.WARN) log.debug('kafkajs', { message: entry.log.message });
      },
    });
    this.#producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.#producer.on(this.#producer.events.DISCONNECT, () => {
      this.#connected = false;
      if (!this.#closed) void this.#connect();
    });
  }

  get connected(): boolean {
    return this.#connected;
  }

  async start(): Promise<void> {
    void this.#connect();
  }

  /** Maps a batch to produce messages grouped by topic, in batch order within each topic. */
  messages(batch: readonly OutboundEvent[]): { topics: Map<string, Message[]>; failed: EntryFailure[] } {
    const topics = new Map<string, Message[]>();
    const failed: EntryFailure[] = [];
    batch.forEach((event, index) => {
      let topic: string;
      try {
        topic = this.#topic(event.channel);
      } catch (err) {
        failed.push({ index, code: 'TemplateError', message: (err as Error).message, retryable: false });
        return;
      }
      const message: Message = { key: event.channel.path, value: event.body, headers: { 'switchboard-id': event.id } };
      const list = topics.get(topic);
      if (list === undefined) topics.set(topic, [message]);
      else list.push(message);
    });
    return { topics, failed };
  }

  async send(batch: readonly OutboundEvent[]): Promise<SendResult> {
    if (!this.#connected || this.#closed) throw unavailable(this.name);
    const { topics, failed } = this.messages(batch);
    if (topics.size === 0) return { failed };
    try {
      await this.#producer.sendBatch({ acks: -1, timeout: this.config.timeoutMs, topicMessages: [...topics].map(([topic, messages]) => ({ topic, messages })) });
    } catch (err) {
      const retryable = (err as { retriable?: boolean }).retriable !== false;
      throw new DestinationError((err as Error).name || 'KafkaError', `Kafka did not confirm: ${(err as Error).message}`, retryable, { cause: err });
    }
    return { failed };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#producer.disconnect().catch(() => undefined);
  }

  /** Connects, retrying every few seconds until it can or the destination is closed (once at a time). */
  async #connect(): Promise<void> {
    if (this.#connecting) return;
    this.#connecting = true;
    try {
      await this.#connectLoop();
    } finally {
      this.#connecting = false;
    }
  }

  async #connectLoop(): Promise<void> {
    for (let attempt = 1; !this.#closed; attempt++) {
      try {
        await this.#producer.connect();
        this.#connected = !this.#closed;
        this.log.info('Kafka connected', { brokers: this.config.brokers });
        return;
      } catch (err) {
        if (attempt === 1) this.log.warn('Kafka not reachable; retrying', { brokers: this.config.brokers, err: (err as Error).message });
        await new Promise((resolve) => setTimeout(resolve, Math.min(500 * attempt, 5000)).unref());
      }
    }
  }
}

import { connect, type MqttClient } from 'mqtt';
import type { DestinationConfig } from '../config/destinations-schema.js';
import type { Logger } from '../log/logger.js';
import { shownUrl } from './shown-url.js';
import { compileTemplate, type Template } from './template.js';
import { unavailable, type Destination, type EntryFailure, type OutboundEvent, type SendResult } from './types.js';

type MqttConfig = Extract<DestinationConfig, { type: 'MQTT' }>;

/**
 * MQTT (`mqtt`): each event is published to the topic from the `topic` template (segments joined
 * by `/`) at `qos` (default 1). Confirmed means the broker's PUBACK (QoS 1) or PUBCOMP (QoS 2);
 * QoS 0 is never confirmed, so it is allowed for `async` only, where "sent" then means written to
 * the socket. One client, so the broker receives events in send order (MQTT keeps order per
 * topic). The client reconnects by itself; while it is down, `send` rejects at once rather than
 * letting the client queue offline.
 */
export class MqttDestination implements Destination {
  readonly type = 'MQTT';
  readonly maxBatch = 500;
  readonly name: string;
  readonly #topic: Template;
  readonly #shown: string;
  #client: MqttClient | undefined;
  #closed = false;

  constructor(
    private readonly config: MqttConfig,
    private readonly log: Logger,
  ) {
    this.name = config.name;
    this.#topic = compileTemplate(config.topic, '/');
    this.#shown = shownUrl(config.url);
  }

  get connected(): boolean {
    return this.#client?.connected === true;
  }

  async start(): Promise<void> {
    const client = connect(this.config.url, {
      clientId: this.config.clientId ?? `switchboard-${this.name}-${Math.random().toString(16).slice(2, 10)}`,
      reconnectPeriod: 500,
      connectTimeout: 5000,
      queueQoSZero: false,
    });
    let up = false;
    client.on('connect', () => {
      up = true;
      this.log.info('MQTT connected', { server: this.#shown });
    });
    client.on('close', () => {
      if (up && !this.#closed) this.log.warn('MQTT connection lost; reconnecting', { server: this.#shown });
      up = false;
    });
    client.on('error', (err: Error) => this.log.debug('MQTT error', { server: this.#shown, err: err.message }));
    this.#client = client;
  }

  async send(batch: readonly OutboundEvent[]): Promise<SendResult> {
    const client = this.#client;
    if (client === undefined || !client.connected || this.#closed) throw unavailable(this.name);
    const results = await Promise.all(batch.map((event, index) => this.#publish(client, event, index)));
    return { failed: results.filter((r): r is EntryFailure => r !== undefined) };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#client?.endAsync(true);
  }

  async #publish(client: MqttClient, event: OutboundEvent, index: number): Promise<EntryFailure | undefined> {
    let topic: string;
    try {
      topic = this.#topic(event.channel);
    } catch (err) {
      return { index, code: 'TemplateError', message: (err as Error).message, retryable: false };
    }
    try {
      await client.publishAsync(topic, event.body, { qos: this.config.qos, retain: this.config.retain });
      return undefined;
    } catch (err) {
      return { index, code: 'NotConfirmed', message: `MQTT publish failed: ${(err as Error).message}`, retryable: true };
    }
  }
}

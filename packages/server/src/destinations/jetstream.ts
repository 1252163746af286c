import { connect, Events, headers, type JetStreamClient, type NatsConnection, type NatsError } from 'nats';
import { natsConnectOptions } from '../broker/nats-connect-options.js';
import type { DestinationConfig } from '../config/destinations-schema.js';
import type { Logger } from '../log/logger.js';
import { compileTemplate, type Template } from './template.js';
import { unavailable, type Destination, type EntryFailure, type OutboundEvent, type SendResult } from './types.js';

type JetStreamConfig = Extract<DestinationConfig, { type: 'NATS_JETSTREAM' }>;

/**
 * NATS JetStream (`nats`): each event is published to the subject from the `subject` template
 * (segments joined by `.`), which a stream must capture. Confirmed means the stream stored it
 * (its PubAck). The event id is the `Nats-Msg-Id`, so a resend within the stream's duplicate
 * window is stored once. Ordering: one connection, so the stream stores events in send order.
 * The connection is retried forever, from start-up on; while it is down, `send` rejects at once.
 */
export class JetStreamDestination implements Destination {
  readonly type = 'NATS_JETSTREAM';
  readonly maxBatch = 500;
  readonly name: string;
  readonly #subject: Template;
  #nc: NatsConnection | undefined;
  #js: JetStreamClient | undefined;
  #connected = false;
  #closed = false;

  constructor(
    private readonly config: JetStreamConfig,
    private readonly log: Logger,
  ) {
    this.name = config.name;
    this.#subject = compileTemplate(config.subject, '.');
  }

  get connected(): boolean {
    return this.#connected;
  }

  async start(): Promise<void> {
    void this.#run();
  }

  async send(batch: readonly OutboundEvent[]): Promise<SendResult> {
    const js = this.#js;
    if (js === undefined || !this.#connected || this.#closed) throw unavailable(this.name);
    const results = await Promise.all(batch.map((event, index) => this.#publish(js, event, index)));
    return { failed: results.filter((r): r is EntryFailure => r !== undefined) };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#connected = false;
    const nc = this.#nc;
    if (nc !== undefined && !nc.isClosed()) await nc.close();
  }

  async #publish(js: JetStreamClient, event: OutboundEvent, index: number): Promise<EntryFailure | undefined> {
    let subject: string;
    try {
      subject = this.#subject(event.channel);
    } catch (err) {
      return { index, code: 'TemplateError', message: (err as Error).message, retryable: false };
    }
    const hdrs = headers();
    hdrs.set('Switchboard-Channel', event.channel.path);
    try {
      await js.publish(subject, new TextEncoder().encode(event.body), {
        msgID: event.id,
        headers: hdrs,
        timeout: this.config.timeoutMs,
        ...(this.config.stream === undefined ? {} : { expect: { streamName: this.config.stream } }),
      });
      return undefined;
    } catch (err) {
      const nats = err as NatsError;
      if (nats.code === '503') return { index, code: 'NoStream', message: `no stream captures subject ${subject}`, retryable: true };
      const api = typeof nats.jsError === 'function' ? nats.jsError() : null;
      if (api !== null) return { index, code: `JetStream${api.err_code}`, message: api.description, retryable: false };
      return { index, code: nats.code === 'TIMEOUT' ? 'Timeout' : 'NotConfirmed', message: nats.message, retryable: true };
    }
  }

  /** Connects (retrying until it can), then follows the connection's status until it closes. */
  async #run(): Promise<void> {
    const { options, shown } = natsConnectOptions(this.config.url);
    let nc: NatsConnection;
    try {
      nc = await connect({ ...options, name: `switchboard-forward-${this.name}`, waitOnFirstConnect: true });
    } catch (err) {
      this.log.error('NATS connection failed; not retrying', { server: shown, err: (err as Error).message });
      return;
    }
    if (this.#closed) return void (await nc.close());
    this.#nc = nc;
    this.#js = nc.jetstream();
    this.#connected = true;
    this.log.info('NATS connected', { server: shown });
    for await (const status of nc.status()) {
      if (status.type === Events.Disconnect) {
        this.#connected = false;
        this.log.warn('NATS connection lost; reconnecting', { server: shown });
      } else if (status.type === Events.Reconnect) {
        this.#connected = !this.#closed;
        this.log.info('NATS reconnected', { server: shown });
      }
    }
    this.#connected = false;
  }
}

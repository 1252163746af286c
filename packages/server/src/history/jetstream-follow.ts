import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from 'nats';
import type { Logger } from '../log/logger.js';
import type { FollowListener, HistoryEntry, Position } from './types.js';

export interface JetStreamFollowOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  epochOf(created: string): string;
  listener: FollowListener;
  log: Logger;
}

/** How often the stream's epoch is checked, and a stopped consumer restarted. */
const CHECK_MS = 2000;

/**
 * One namespace followed through an ordered consumer of its stream, from the sequence after the
 * last one delivered. The client's ordered consumer recreates itself after a dropped link or a
 * missed message, from where it was; every `CHECK_MS` this also checks that the stream is the same
 * one (a recreated stream is a new epoch: the listener is reset and following starts at its
 * beginning) and restarts a consumer that ended.
 */
export class JetStreamFollow {
  readonly #options: JetStreamFollowOptions;
  #epoch = '';
  #last = 0;
  #messages: ConsumerMessages | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #checking = false;

  constructor(options: JetStreamFollowOptions) {
    this.#options = options;
  }

  async start(from: Position | undefined): Promise<Position> {
    const info = await this.#options.jsm.streams.info(this.#options.stream);
    this.#epoch = this.#options.epochOf(info.created);
    let position: Position = from ?? { epoch: this.#epoch, offset: info.state.last_seq };
    if (position.epoch !== this.#epoch) {
      position = { epoch: this.#epoch, offset: 0 };
      this.#options.listener.reset(position);
    }
    this.#last = position.offset;
    await this.#consume();
    this.#timer = setInterval(() => void this.#check(), CHECK_MS);
    this.#timer.unref();
    return position;
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#messages?.stop();
  }

  async #consume(): Promise<void> {
    const consumer = await this.#options.js.consumers.get(this.#options.stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.#last + 1 });
    if (this.#stopped) return;
    const messages = await consumer.consume({ max_messages: 512, callback: (m) => this.#receive(m) });
    this.#messages = messages;
    void messages.closed().then(
      () => undefined,
      (err: unknown) => this.#options.log.debug('history consumer ended', { stream: this.#options.stream, err }),
    );
  }

  #receive(m: JsMsg): void {
    if (this.#stopped || m.seq <= this.#last) return;
    let entry;
    try {
      entry = entryOf(m);
    } catch (err) {
      this.#options.log.warn('history: a stream message is not a Switchboard event; skipped', { stream: this.#options.stream, seq: m.seq, err });
      this.#last = m.seq;
      return;
    }
    this.#last = entry.offset;
    this.#options.listener.events([entry]);
  }

  async #check(): Promise<void> {
    if (this.#checking || this.#stopped) return;
    this.#checking = true;
    try {
      const info = await this.#options.jsm.streams.info(this.#options.stream);
      const epoch = this.#options.epochOf(info.created);
      if (this.#stopped) return;
      if (epoch !== this.#epoch) {
        this.#messages?.stop();
        this.#epoch = epoch;
        this.#last = 0;
        this.#options.listener.reset({ epoch, offset: 0 });
        await this.#consume();
      }
    } catch (err) {
      this.#options.log.debug('history stream check failed', { stream: this.#options.stream, err });
    } finally {
      this.#checking = false;
    }
  }
}

/** An epoch from a stream's creation time (RFC 3339 with nanoseconds): its digits. */
export function epochOf(created: string): string {
  return created.replace(/\D/g, '').slice(0, 64) || '0';
}

/** A stream message as a history entry. */
export function entryOf(m: JsMsg): HistoryEntry {
  const [id, payload] = JSON.parse(new TextDecoder().decode(m.data)) as [string, string];
  const segments = m.subject.split('.').slice(1);
  return { offset: m.seq, channel: '/' + segments.join('/'), id, payload, time: Math.floor(m.info.timestampNanos / 1e6) };
}

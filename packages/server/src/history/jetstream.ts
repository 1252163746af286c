import { AckPolicy, DeliverPolicy, DiscardPolicy, Events, StorageType, connect, nanos, type JetStreamClient, type JetStreamManager, type NatsConnection, type StreamConfig } from 'nats';
import type { BrokerMessage } from '../broker/types.js';
import { natsConnectOptions } from '../broker/nats-connect-options.js';
import { channelSubject } from '../broker/nats-wire.js';
import type { Logger } from '../log/logger.js';
import { JetStreamFollow, entryOf, epochOf } from './jetstream-follow.js';
import type { FollowListener, HistoryEntry, HistorySlice, HistoryStore, Position, ReadQuery, Retention, Unfollow } from './types.js';

export interface JetStreamHistoryStoreOptions {
  url: string;
  /** First token of the subjects, as the NATS broker's: `/ns/a` is `<prefix>.ns.a`. */
  prefix: string;
  retention: ReadonlyMap<string, Retention>;
  log: Logger;
}

/** How long one read waits for the messages it counted. */
const FETCH_TIMEOUT_MS = 5000;

/**
 * History in NATS JetStream, with the NATS broker: one stream per namespace
 * (`<prefix>-history-<namespace>`, subjects `<prefix>.<namespace>.>`, `max_msgs` = size, `max_age` =
 * ttlMs, file storage), one message per event (`[id, payload]`), its stream sequence the offset.
 * Nodes follow a namespace with an ordered consumer (`JetStreamFollow`), so live order is stream
 * order and a consumer that lost its link starts again after its last sequence. The epoch is the
 * stream's creation time: a deleted and recreated stream is a new epoch.
 */
export class JetStreamHistoryStore implements HistoryStore {
  readonly #options: JetStreamHistoryStoreOptions;
  readonly #connect: ReturnType<typeof natsConnectOptions>;
  readonly #epochs = new Map<string, string>();
  readonly #follows = new Set<JetStreamFollow>();
  #nc: NatsConnection | undefined;
  #js: JetStreamClient | undefined;
  #jsm: JetStreamManager | undefined;
  #connected = false;

  constructor(options: JetStreamHistoryStoreOptions) {
    this.#options = options;
    this.#connect = natsConnectOptions(options.url);
  }

  get ready(): boolean {
    return this.#connected;
  }

  async start(): Promise<void> {
    try {
      this.#nc = await connect({ ...this.#connect.options, name: 'switchboard-history' });
      this.#jsm = await this.#nc.jetstreamManager();
      this.#js = this.#nc.jetstream();
      this.#connected = true;
      void this.#watch(this.#nc);
      for (const namespace of this.#options.retention.keys()) await this.#ensureStream(namespace);
    } catch (err) {
      await this.close();
      throw new Error(`JetStream history store cannot start on ${this.#connect.shown}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  async append(namespace: string, message: BrokerMessage): Promise<Position> {
    const js = this.#client().js;
    const subject = channelSubject(this.#options.prefix, message.channel);
    // Sent back to back on one connection: the stream stores them in this order.
    const send = () => Promise.all(message.events.map((event) => js.publish(subject, JSON.stringify([event.id, event.payload]))));
    let acks;
    try {
      acks = await send();
    } catch (err) {
      // No stream answered (deleted behind our back): create it again, once.
      if (!/503|no responders/i.test(String((err as Error).message))) throw err;
      await this.#ensureStream(namespace);
      acks = await send();
    }
    return { epoch: await this.epoch(namespace), offset: acks[acks.length - 1]!.seq };
  }

  async read(namespace: string, query: ReadQuery): Promise<HistorySlice> {
    const { jsm, js } = this.#client();
    const info = await jsm.streams.info(this.streamName(namespace));
    const epoch = epochOf(info.created);
    const top = info.state.last_seq;
    const floor = info.state.messages === 0 ? top : info.state.first_seq - 1;
    const through = Math.min(query.through ?? top, top);
    const start = Math.max(floor, query.after ?? floor) + 1;
    if (start > through) return { epoch, top, floor, events: [], more: false };
    const consumer = await jsm.consumers.add(this.streamName(namespace), {
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: start,
      filter_subject: query.match === undefined ? undefined : this.#subjectOf(query.match),
      inactive_threshold: nanos(30_000),
      mem_storage: true,
      num_replicas: 1,
    });
    const found: HistoryEntry[] = [];
    try {
      const wanted = query.after === undefined ? consumer.num_pending : Math.min(consumer.num_pending, query.limit + 1);
      if (wanted > 0) {
        const messages = await (await js.consumers.get(this.streamName(namespace), consumer.name)).fetch({ max_messages: wanted, expires: FETCH_TIMEOUT_MS });
        for await (const m of messages) {
          if (m.seq > through) break;
          found.push(entryOf(m));
          if (found.length === wanted) break;
        }
      }
    } finally {
      jsm.consumers.delete(this.streamName(namespace), consumer.name).catch(() => undefined);
    }
    if (query.after === undefined) return { epoch, top, floor, events: found.slice(-query.limit), more: false };
    return { epoch, top, floor, events: found.slice(0, query.limit), more: found.length > query.limit };
  }

  async follow(namespace: string, from: Position | undefined, listener: FollowListener): Promise<{ position: Position; unfollow: Unfollow }> {
    const { js, jsm } = this.#client();
    const follow = new JetStreamFollow({ js, jsm, stream: this.streamName(namespace), epochOf: (created) => epochOf(created), listener, log: this.#options.log });
    const position = await follow.start(from);
    this.#follows.add(follow);
    return {
      position,
      unfollow: () => {
        this.#follows.delete(follow);
        follow.stop();
      },
    };
  }

  async close(): Promise<void> {
    for (const follow of this.#follows) follow.stop();
    this.#follows.clear();
    this.#connected = false;
    const nc = this.#nc;
    this.#nc = undefined;
    if (nc !== undefined && !nc.isClosed()) await nc.close().catch(() => undefined);
  }

  /** The namespace's epoch, from its stream (cached; refreshed by `read` and the follows). */
  async epoch(namespace: string): Promise<string> {
    const known = this.#epochs.get(namespace);
    if (known !== undefined) return known;
    const info = await this.#client().jsm.streams.info(this.streamName(namespace));
    const epoch = epochOf(info.created);
    this.#epochs.set(namespace, epoch);
    return epoch;
  }

  streamName(namespace: string): string {
    return `${this.#options.prefix}-history-${namespace}`;
  }

  /** Creates the namespace's stream, or brings its limits in line with the configuration. */
  async #ensureStream(namespace: string): Promise<void> {
    const { size, ttlMs } = this.#options.retention.get(namespace)!;
    const jsm = this.#client().jsm;
    const name = this.streamName(namespace);
    const wanted: Partial<StreamConfig> = {
      name,
      subjects: [`${this.#options.prefix}.${namespace}.>`],
      max_msgs: size,
      max_age: nanos(ttlMs),
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      num_replicas: 1,
    };
    const existing = await jsm.streams.info(name).catch(() => undefined);
    const info = existing === undefined ? await jsm.streams.add(wanted) : existing;
    if (existing !== undefined && (existing.config.max_msgs !== size || existing.config.max_age !== nanos(ttlMs))) {
      await jsm.streams.update(name, { ...existing.config, max_msgs: size, max_age: nanos(ttlMs) });
    }
    this.#epochs.set(namespace, epochOf(info.created));
  }

  #subjectOf(pattern: string): string {
    return pattern.endsWith('/*') ? channelSubject(this.#options.prefix, pattern.slice(0, -2)) + '.>' : channelSubject(this.#options.prefix, pattern);
  }

  #client(): { js: JetStreamClient; jsm: JetStreamManager } {
    if (this.#js === undefined || this.#jsm === undefined || !this.#connected) throw new Error('the JetStream history store is not connected');
    return { js: this.#js, jsm: this.#jsm };
  }

  async #watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === Events.Disconnect) this.#connected = false;
      else if (status.type === Events.Reconnect) {
        this.#connected = true;
        this.#epochs.clear();
      }
    }
    this.#connected = false;
  }
}

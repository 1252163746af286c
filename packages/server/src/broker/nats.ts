import { randomBytes } from 'node:crypto';
import { connect, Events, type Msg, type NatsConnection, type NatsError, type Subscription } from 'nats';
import type { Logger } from '../log/logger.js';
import { DEFAULT_PROBE, LinkProbe, checkWithin, type ProbeOptions } from './link-probe.js';
import { natsConnectOptions } from './nats-connect-options.js';
import { PingBatcher } from './ping-batcher.js';
import { OriginDedup } from './nats-origin-dedup.js';
import { channelSubject, decodeWireMessage, encodeWireMessage, interestSubject } from './nats-wire.js';
import { Readiness } from './readiness.js';
import type { Broker, BrokerMessage, BrokerStatus, Interest } from './types.js';

export interface NatsBrokerOptions {
  /** `nats://[user:pass@]host:port` or `tls://...`; credentials in it are never logged. */
  url: string;
  /** First token of every subject, so several APIs can share one NATS. */
  prefix: string;
  log: Logger;
  /** How the connection is probed (a PING, `flush`). @default DEFAULT_PROBE */
  probe?: ProbeOptions;
}

/** How long `publish` and `subscribe` wait for the server's acknowledgement before rejecting. */
const ACK_TIMEOUT_MS = 5000;
/** How long `close` lets in-flight publishes finish before cutting the connection. */
const DRAIN_TIMEOUT_MS = 2000;

/**
 * The broker on core NATS (no JetStream): each node subscribes only to the subjects of its
 * interests (`/ns/a` -> `<prefix>.ns.a`, `/ns/a/*` -> `<prefix>.ns.a.>`, see `nats-wire.ts`), so
 * NATS sends a node nothing it has no local subscriber for.
 *
 * - Acknowledged publishes: `publish` resolves when the NATS server has processed the message (one
 *   PING per event-loop turn covers every publish and subscribe of that turn, `PingBatcher`). It
 *   rejects at once while the connection is down, and rejects the publishes still waiting for
 *   their acknowledgement when the connection drops, so an outage is never a silent drop. The
 *   client's own reconnect buffer is never used, because nothing is written while disconnected.
 * - Order (D15): all publishes of a node go through one connection in call order; NATS keeps the
 *   order of one connection's messages for every subscriber.
 * - Once per node: NATS sends one copy per matching subscription; `OriginDedup` keeps the first.
 * - Readiness (`Broker.ready`): connected, and after a reconnect, once the server has answered a
 *   PING sent after the client re-sent every SUB, so every interest is registered again. The link
 *   is probed with a PING every `probe.intervalMs`; one unanswered within `probe.timeoutMs` means
 *   it is open but dead: the broker turns not ready, fails the publishes waiting for their
 *   acknowledgement and makes the client reconnect. A publish acknowledged after readiness was
 *   lost is failed, not acknowledged (`Readiness.confirm`).
 * - Outages: the client reconnects forever (every ~0.5 s) and re-subscribes every interest itself.
 *   `broker disconnected` (warn) and `broker reconnected` (info) are logged once per transition.
 *
 * @example
 * const broker = new NatsBroker({ url: 'nats://127.0.0.1:4222', prefix: 'switchboard', log });
 * await broker.start((message) => console.log(message.channel, message.events.length));
 */
export class NatsBroker implements Broker {
  readonly #prefix: string;
  readonly #log: Logger;
  readonly #connect: ReturnType<typeof natsConnectOptions>;
  readonly #subs = new Map<Interest, Subscription>();
  readonly #dedup = new OriginDedup();
  readonly #node = randomBytes(6).toString('base64url');
  readonly #readiness: Readiness;
  readonly #probeOptions: ProbeOptions;
  readonly #probe: LinkProbe;
  #nc: NatsConnection | undefined;
  #acks: PingBatcher | undefined;
  #deliver: ((message: BrokerMessage) => void) | undefined;
  #connected = false;
  #closed = false;
  /** Changes on every (re)connection: see `OriginDedup`. */
  #origin = '';
  #epoch = 0;
  #seq = 0;

  get ready(): boolean {
    return this.#readiness.ready;
  }

  constructor(options: NatsBrokerOptions) {
    this.#prefix = options.prefix;
    this.#log = options.log;
    this.#connect = natsConnectOptions(options.url);
    this.#readiness = new Readiness(this.#log, { server: this.#connect.shown });
    this.#probeOptions = options.probe ?? DEFAULT_PROBE;
    this.#probe = new LinkProbe({
      ...this.#probeOptions,
      check: () => this.#ping(),
      // A rejected PING means the connection dropped, which the status watcher handles.
      onFailure: ({ timedOut, reason }) => {
        if (timedOut) this.#stale(reason);
      },
    });
  }

  /** Connects. @throws Error naming the server (not the credentials) when NATS cannot be reached. */
  async start(deliver: (message: BrokerMessage) => void, onStatus?: (status: BrokerStatus) => void): Promise<void> {
    this.#deliver = deliver;
    const { options, shown } = this.#connect;
    let nc: NatsConnection;
    try {
      nc = await connect(options);
    } catch (err) {
      throw new Error(`NATS broker: cannot connect to ${shown}`, { cause: err });
    }
    this.#nc = nc;
    this.#acks = new PingBatcher(() => nc.flush(), ACK_TIMEOUT_MS);
    this.#setConnected();
    this.#watch(nc).catch((err: unknown) => this.#log.error('broker status watch failed', { err }));
    this.#readiness.start(true, onStatus);
    this.#probe.start();
  }

  async publish(message: BrokerMessage): Promise<void> {
    const { nc, acks } = this.#link();
    const ticket = this.#readiness.admit('the NATS broker');
    const seq = ++this.#seq;
    nc.publish(channelSubject(this.#prefix, message.channel), encodeWireMessage(this.#origin, seq, message));
    await acks.wait();
    this.#readiness.confirm(ticket, 'the NATS broker');
  }

  /** Resolves once the server has registered the subscription. */
  async subscribe(pattern: Interest): Promise<void> {
    const { nc, acks } = this.#link();
    const sub = nc.subscribe(interestSubject(this.#prefix, pattern), { callback: (err, msg) => this.#receive(err, msg) });
    this.#subs.set(pattern, sub);
    try {
      await acks.wait();
    } catch (err) {
      // The caller counts the interest as not held, so it must not come back on reconnect.
      if (this.#subs.get(pattern) === sub) this.#subs.delete(pattern);
      sub.unsubscribe();
      throw err;
    }
  }

  /**
   * Stops delivery from `pattern` at once: the client drops anything still arriving for a
   * cancelled subscription, and sends UNSUB when connected (a reconnect does not restore it).
   */
  async unsubscribe(pattern: Interest): Promise<void> {
    const sub = this.#subs.get(pattern);
    this.#subs.delete(pattern);
    if (sub !== undefined && !sub.isClosed()) sub.unsubscribe();
  }

  /** Lets publishes still waiting for their acknowledgement finish (up to 2 s), then disconnects. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#probe.stop();
    this.#readiness.close();
    this.#subs.clear();
    const nc = this.#nc;
    if (nc === undefined || nc.isClosed()) return;
    if (this.#connected) {
      const drained = nc.drain().catch(() => undefined);
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, DRAIN_TIMEOUT_MS).unref());
      await Promise.race([drained, timeout]);
    }
    if (!nc.isClosed()) await nc.close();
    this.#connected = false;
    this.#acks?.failAll(new Error('NATS broker is closed'));
  }

  #link(): { nc: NatsConnection; acks: PingBatcher } {
    if (this.#closed) throw new Error('NATS broker is closed');
    if (this.#nc === undefined || this.#acks === undefined) throw new Error('NATS broker is not started');
    if (!this.#connected) throw new Error('NATS broker is disconnected; reconnecting');
    return { nc: this.#nc, acks: this.#acks };
  }

  #setConnected(): void {
    this.#connected = true;
    this.#origin = `${this.#node}.${++this.#epoch}`;
  }

  /** The link went down (`reason`): not ready, and every publish still waiting for its acknowledgement fails. */
  #setDisconnected(reason: string): void {
    this.#connected = false;
    this.#readiness.update(false, reason);
    this.#acks?.failAll(new Error(`NATS broker: ${reason}; the message may not have been delivered`));
  }

  /**
   * One PING. After a reconnect the client re-sends every SUB ahead of anything else, so an answer
   * on the current connection proves the server has every interest again: ready. Sent at once after
   * a reconnect, and by the probe.
   */
  async #ping(): Promise<void> {
    const nc = this.#nc;
    if (nc === undefined || !this.#connected) return;
    const epoch = this.#epoch;
    await nc.flush();
    if (epoch === this.#epoch && this.#connected && !this.#closed) this.#readiness.update(true);
  }

  /** The connection looks open but the server does not answer: redial. */
  #stale(reason: string): void {
    const nc = this.#nc;
    if (nc === undefined || !this.#connected || this.#closed) return;
    this.#setDisconnected(`the server did not answer a PING (${reason}); reconnecting`);
    nc.reconnect().catch((err: unknown) => this.#log.warn('broker reconnect failed', { server: this.#connect.shown, err }));
  }

  #receive(err: NatsError | null, msg: Msg): void {
    if (this.#closed || this.#deliver === undefined) return;
    if (err !== null) {
      this.#log.warn('broker subscription error', { err });
      return;
    }
    let wire;
    try {
      wire = decodeWireMessage(msg.data);
    } catch (cause) {
      this.#log.warn('broker message ignored: not from Switchboard', { subject: msg.subject, err: cause });
      return;
    }
    if (this.#dedup.accept(wire.origin, wire.seq)) this.#deliver(wire.message);
  }

  /** Follows the connection's status for its whole life; ends when the connection closes. */
  async #watch(nc: NatsConnection): Promise<void> {
    const server = this.#connect.shown;
    for await (const status of nc.status()) {
      if (status.type === Events.Disconnect && this.#connected) {
        this.#setDisconnected('connection lost');
      } else if (status.type === Events.Reconnect && !this.#connected && !this.#closed) {
        this.#setConnected();
        void checkWithin(() => this.#ping(), this.#probeOptions.timeoutMs).then((failure) => {
          if (failure?.timedOut) this.#stale(failure.reason);
        });
      } else if (status.type === Events.Error) {
        this.#log.warn('broker error', { server, err: status.data });
      } else if (status.type === Events.LDM) {
        this.#log.warn('broker server entering lame duck mode', { server });
      }
    }
    if (!this.#closed) {
      this.#setDisconnected('connection closed');
      this.#log.error('broker connection closed; not reconnecting', { server });
    }
  }
}

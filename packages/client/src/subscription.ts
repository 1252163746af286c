import type { Auth } from './auth.js';
import { Emitter } from './emitter.js';
import { ConnectionError, ServerError, type WireError } from './errors.js';
import { framePosition, resumeFields, resumeGap, type Gap } from './resume.js';
import { validate, type Schema } from './schema.js';

/**
 * `subscribing`: sent (or waiting for the connection), no answer yet; also while resubscribing
 * after a reconnect. `active`: the server confirmed it; events flow. `closed`: unsubscribed or
 * the client closed. `failed`: the server refused it, or it could not be made; `error` says why.
 */
export type SubscriptionState = 'subscribing' | 'active' | 'closed' | 'failed';

/** What a subscription reports besides its events. */
export interface SubscriptionEvents {
  state: SubscriptionState;
  /**
   * Something went wrong: the subscription failed (state `failed`), or one event could not be
   * delivered (not JSON, refused by the schema, a `broadcast_error`); the subscription goes on.
   */
  error: Error;
  /** It was re-established after a reconnect, and events published meanwhile may be missing. */
  gap: Gap;
}

/** Where an event came from. */
export interface EventInfo {
  /** The channel it was published to when the server says so; otherwise the subscribed channel. */
  channel: string;
  /** Its position in the channel's history, where the server keeps one (a Switchboard extension). */
  position?: unknown;
}

/** A live subscription; `client.subscribe` returns it. */
export interface Subscription extends Emitter<SubscriptionEvents> {
  /** The subscription id on the wire (kept across reconnects). */
  readonly id: string;
  readonly channel: string;
  readonly state: SubscriptionState;
  /** Why it failed, once `state` is `failed`. */
  readonly error: Error | undefined;
  /** The last history position seen (Switchboard history); `undefined` against AppSync. */
  readonly position: unknown;
  /**
   * Resolves when the server has confirmed the subscription (`subscribe_success`): events
   * published from then on are delivered. Rejects with the reason if it fails first
   * (`ServerError`, `TimeoutError`, `ConnectionError`).
   */
  readonly ready: Promise<void>;
  /** Stops the subscription. Idempotent. */
  unsubscribe(): void;
}

/** Options of `subscribe`. */
export interface SubscribeOptions {
  /** Auth for this subscription; @default the client's. */
  auth?: Auth;
  /** Resume from this position (kept from an earlier `subscription.position`); needs server history. */
  since?: unknown;
}

/** The client's side of a subscription: how it leaves. */
export interface SubscriptionOwner {
  remove(subscription: ChannelSubscription): void;
}

/** A subscription, driven by the client that owns it. */
export class ChannelSubscription extends Emitter<SubscriptionEvents> implements Subscription {
  state: SubscriptionState = 'subscribing';
  error: Error | undefined;
  position: unknown;
  readonly #ready: Promise<void>;
  /** Whether the app read `ready` (then a failure is its to handle, not the console's). */
  #observed = false;
  /** Retries of a subscribe refused for a passing reason, and the timer of the next one (kept by the client). */
  retries = 0;
  retry: ReturnType<typeof setTimeout> | undefined;
  /** Set when the connection was lost while active: the next success is a resubscribe. */
  #lost = false;
  /** The position sent with the pending `subscribe`. */
  #since: unknown;
  /** Deliveries waiting for an async schema, so events keep their order. */
  #queue: Promise<void> | undefined;
  #settle!: (err?: Error) => void;

  constructor(
    readonly id: string,
    readonly channel: string,
    readonly onEvent: (event: unknown, info: EventInfo) => void,
    readonly options: SubscribeOptions,
    readonly schema: Schema | undefined,
    readonly owner: SubscriptionOwner,
  ) {
    super();
    this.position = options.since;
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#settle = (err) => (err ? reject(err) : resolve());
    });
    // Failures are also reported as `error` events; awaiting `ready` is optional.
    this.#ready.catch(() => undefined);
  }

  get ready(): Promise<void> {
    this.#observed = true;
    return this.#ready;
  }

  /** The `subscribe` message body (without auth) for the next (re)subscribe. */
  message(): Record<string, unknown> {
    this.#since = this.position;
    return { type: 'subscribe', id: this.id, channel: this.channel, ...resumeFields(this.position) };
  }

  /** `subscribe_success`. */
  succeeded(frame: Record<string, unknown>): void {
    if (this.state !== 'subscribing') return;
    if (frame['recovered'] !== true && 'position' in frame) this.position = framePosition(frame);
    const gap = this.#lost || this.#since !== undefined ? resumeGap(frame, this.#since) : undefined;
    this.#lost = false;
    this.#set('active');
    this.#settle();
    if (gap) this.emit('gap', gap);
  }

  /** The connection dropped: events stop until the client resubscribes. */
  suspend(): void {
    if (this.state === 'active') this.#lost = true;
    if (this.state === 'active' || this.state === 'subscribing') this.#set('subscribing');
  }

  /** Ends it: `failed` with `err`, or `closed` without. */
  end(err?: Error): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.error = err;
    this.#set(err ? 'failed' : 'closed');
    clearTimeout(this.retry);
    this.#settle(err ?? new ConnectionError('the subscription ended before the server confirmed it'));
    if (err && !this.emit('error', err) && !this.#observed) console.error(`subscription ${this.channel}:`, err);
  }

  /** A non-fatal error for this subscription; falls back to the console when nobody listens. */
  report(err: Error): void {
    if (!this.emit('error', err)) console.error(`subscription ${this.channel}:`, err);
  }

  /** A `data` frame for this subscription. */
  deliver(frame: Record<string, unknown>): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    const position = framePosition(frame);
    if (position !== undefined) this.position = position;
    const info: EventInfo = { channel: typeof frame['channel'] === 'string' ? frame['channel'] : this.channel, position };
    let checked: unknown;
    try {
      const value: unknown = JSON.parse(frame['event'] as string);
      checked = this.schema ? validate(this.schema, value) : value;
    } catch (err) {
      return this.report(err instanceof SyntaxError ? new ServerError([{ errorType: 'BadEvent', message: `the event is not a JSON string: ${err.message}` }]) : (err as Error));
    }
    if (this.#queue || checked instanceof Promise) {
      // Handled in turn below; marked now so that a rejection waiting its turn is not "unhandled".
      if (checked instanceof Promise) checked.catch(() => undefined);
      const queue: Promise<void> = (this.#queue ?? Promise.resolve())
        .then(() => checked)
        .then(
          (event) => this.#handOver(event, info),
          (err: Error) => this.report(err),
        )
        .then(() => {
          if (this.#queue === queue) this.#queue = undefined;
        });
      this.#queue = queue;
    } else this.#handOver(checked, info);
  }

  /** A `broadcast_error` for this subscription. */
  broadcastError(errors: WireError[]): void {
    this.report(new ServerError(errors));
  }

  unsubscribe(): void {
    this.owner.remove(this);
    this.end();
  }

  #handOver(event: unknown, info: EventInfo): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    try {
      this.onEvent(event, info);
    } catch (err) {
      setTimeout(() => {
        throw err;
      });
    }
  }

  #set(state: SubscriptionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }
}

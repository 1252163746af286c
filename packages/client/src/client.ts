import type { Auth, Headers } from './auth.js';
import { backoffDelay, type ReconnectOptions } from './backoff.js';
import { Connection, type Frame, type WebSocketConstructor } from './connection.js';
import { headerProtocol, nextId, realtimeUrl } from './endpoint.js';
import { ConnectionError, ServerError, TimeoutError } from './errors.js';
import { Emitter } from './emitter.js';
import { encodeEvents, postEvents, publishResult, type PublishOptions, type PublishResult } from './publish.js';
import type { InferInput, InferOutput, Schema } from './schema.js';
import { ChannelSubscription, type EventInfo, type SubscribeOptions, type Subscription } from './subscription.js';

/**
 * `idle`: not connected yet (the client connects on first use or `connect()`). `connecting`: the
 * first connection is being made (or retried). `connected`: acknowledged; operations flow.
 * `reconnecting`: the connection was lost and is being made again; subscriptions will be
 * resubscribed. `closed`: `close()` was called, or the server refused the credentials (`error`).
 */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** What a client reports. */
export interface ClientEvents {
  state: ConnectionState;
  /** The connection failed for good (also in `client.error`), or the server sent an `error` frame about no operation. */
  error: Error;
}

export interface ClientOptions {
  /** The HTTP endpoint: `https://<id>.appsync-api.<region>.amazonaws.com/event`, or Switchboard's `http(s)://host:port/event`. */
  url: string;
  /** The auth mode: `apiKey(…)`, `token(…)`, `iam(…)`. */
  auth: Auth;
  /** @default derived from `url` as AppSync lays them out (`…/event/realtime`) */
  realtimeUrl?: string;
  /** @default `globalThis.WebSocket`; on Node 20 pass `WebSocket` from the `ws` package */
  WebSocket?: WebSocketConstructor;
  /** @default `globalThis.fetch` */
  fetch?: typeof fetch;
  /** Reconnect after a lost connection; `false` closes the client instead. @default { initialDelayMs: 1000, maxDelayMs: 30000 } */
  reconnect?: ReconnectOptions | false;
  /** How long to wait for `connection_ack`, `subscribe_success` and a publish answer. @default 15000 */
  timeoutMs?: number;
}

/** A channel whose events are checked against a Standard Schema, both ways. */
export interface Channel<In, Out> {
  readonly path: string;
  subscribe(onEvent: (event: Out, info: EventInfo) => void, options?: SubscribeOptions): Subscription;
  publish(events: readonly In[], options?: PublishOptions): Promise<PublishResult>;
  post(events: readonly In[], options?: PublishOptions): Promise<PublishResult>;
}

/** Headers AppSync's realtime endpoint signs on every WebSocket request (what an IAM signature covers). */
const REALTIME_HEADERS = { accept: 'application/json, text/javascript', 'content-encoding': 'amz-1.0', 'content-type': 'application/json; charset=UTF-8' };

interface Waiter {
  resolve(frame?: Frame): void;
  reject(err: Error): void;
}

/**
 * A client for AppSync Events and Switchboard: one WebSocket, shared by every subscription and
 * WebSocket publish, opened on first use, kept alive and reopened with backoff when lost (its
 * subscriptions then resubscribe); and HTTP `post`.
 *
 * @example
 * const client = new EventsClient({ url: 'https://api.example.com/event', auth: apiKey('da2-…') });
 * const sub = client.subscribe('/default/chat', (event) => console.log(event));
 * await sub.ready;
 * await client.publish('/default/chat', [{ text: 'hello' }]);
 */
export class EventsClient extends Emitter<ClientEvents> {
  state: ConnectionState = 'idle';
  /** Why the client closed itself. */
  error: Error | undefined;
  readonly #options: ClientOptions;
  readonly #host: string;
  readonly #timeoutMs: number;
  readonly #subscriptions = new Map<string, ChannelSubscription>();
  /** Publishes waiting for their answer, by id. */
  readonly #publishes = new Map<string, Waiter>();
  /** Callers waiting for `connected`. */
  #waiting: Waiter[] = [];
  #connection: Connection | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  /** The current attempt follows a refusal for which the credentials were refreshed. */
  #refreshed = false;

  constructor(options: ClientOptions) {
    super();
    this.#options = options;
    this.#host = new URL(options.url).host;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** Connects now rather than on first use; resolves once connected. */
  connect(): Promise<void> {
    return this.#connected();
  }

  /**
   * Subscribes to `channel` (a trailing `/*` subscribes to every channel below). `onEvent` gets
   * each event, parsed. The subscription survives reconnects; await `ready` to know it is live.
   */
  subscribe(channel: string, onEvent: (event: unknown, info: EventInfo) => void, options: SubscribeOptions = {}): Subscription {
    return this.#subscribe(channel, onEvent, options, undefined);
  }

  /** Publishes over the WebSocket (1 to 5 events, any JSON values). */
  async publish(channel: string, events: readonly unknown[], options: PublishOptions = {}): Promise<PublishResult> {
    return this.#publish(channel, await encodeEvents(events, undefined), options.auth);
  }

  /** Publishes over HTTP (`POST /event`); needs no WebSocket. */
  async post(channel: string, events: readonly unknown[], options: PublishOptions = {}): Promise<PublishResult> {
    return this.#post(channel, await encodeEvents(events, undefined), options.auth);
  }

  /**
   * A typed channel: what `publish` and `post` send is validated by `schema` first (a
   * `ValidationError` sends nothing), and what arrives is validated before `onEvent` (a failure is
   * a subscription `error`). The values sent are the ones given, not the schema's output.
   */
  channel<S extends Schema>(path: string, schema: S): Channel<InferInput<S>, InferOutput<S>> {
    return {
      path,
      subscribe: (onEvent, options = {}) => this.#subscribe(path, onEvent as (event: unknown, info: EventInfo) => void, options, schema),
      publish: async (events, options = {}) => this.#publish(path, await encodeEvents(events, schema), options.auth),
      post: async (events, options = {}) => this.#post(path, await encodeEvents(events, schema), options.auth),
    };
  }

  /** Closes the connection and ends every subscription. The client cannot be used again. */
  close(): void {
    this.#shutdown();
  }

  #subscribe(channel: string, onEvent: (event: unknown, info: EventInfo) => void, options: SubscribeOptions, schema: Schema | undefined): Subscription {
    const sub = new ChannelSubscription(nextId(), channel, onEvent, options, schema, {
      remove: (s) => {
        this.#subscriptions.delete(s.id);
        // One still unconfirmed is unsubscribed when its confirmation arrives (#sendSubscribe, #frame).
        if (s.state === 'active') this.#connection?.send({ type: 'unsubscribe', id: s.id });
      },
    });
    // Ended a tick later, so that the caller can listen for the error first.
    if (this.state === 'closed') queueMicrotask(() => sub.end(new ConnectionError('the client is closed')));
    else {
      this.#subscriptions.set(sub.id, sub);
      if (this.state === 'connected') void this.#sendSubscribe(sub, false);
      else this.#connected().catch(() => undefined);
    }
    return sub;
  }

  async #sendSubscribe(sub: ChannelSubscription, retried: boolean): Promise<void> {
    const connection = this.#connection;
    const message = sub.message();
    let authorization: Headers;
    try {
      authorization = await this.#authorize(sub.options.auth, JSON.stringify({ channel: sub.channel }));
    } catch (err) {
      return this.#drop(sub, err as Error);
    }
    // A reconnect in the meantime resubscribes it.
    if (connection !== this.#connection || !connection || sub.state !== 'subscribing') return;
    const reply = this.#await(sub.id, `subscribe_success for ${sub.channel}`);
    connection.send({ ...message, authorization });
    let frame: Frame | undefined;
    try {
      frame = await reply;
    } catch (err) {
      if (err instanceof TimeoutError) {
        connection.send({ type: 'unsubscribe', id: sub.id });
        this.#drop(sub, err);
      }
      return; // a lost connection: resubscribed on reconnect
    }
    if (frame?.type === 'subscribe_success') {
      // Unsubscribed while the server was confirming: undo it on the server too.
      if (this.#subscriptions.get(sub.id) !== sub) return connection.send({ type: 'unsubscribe', id: sub.id });
      return sub.succeeded(frame);
    }
    const error = new ServerError(frame?.errors ?? []);
    if (error.unauthorized && !retried && (sub.options.auth ?? this.#options.auth).refresh?.()) return this.#sendSubscribe(sub, true);
    if (!error.transient || this.#options.reconnect === false) return this.#drop(sub, error);
    sub.report(error);
    sub.retry = setTimeout(() => void this.#sendSubscribe(sub, false), backoffDelay(sub.retries++, this.#options.reconnect));
  }

  #drop(sub: ChannelSubscription, error: Error): void {
    this.#subscriptions.delete(sub.id);
    sub.end(error);
  }

  async #publish(channel: string, events: string[], auth: Auth | undefined, retried = false): Promise<PublishResult> {
    await this.#connected(this.#timeoutMs);
    const authorization = await this.#authorize(auth, JSON.stringify({ channel, events }));
    const connection = this.#connection;
    if (this.state !== 'connected' || !connection) return this.#publish(channel, events, auth, retried);
    const id = nextId();
    const reply = this.#await(id, `answer to the publish on ${channel}`);
    connection.send({ type: 'publish', id, channel, events, authorization });
    const frame = (await reply)!;
    if (frame.type === 'publish_success') return publishResult(frame);
    const error = new ServerError(frame.errors ?? []);
    if (error.unauthorized && !retried && (auth ?? this.#options.auth).refresh?.()) return this.#publish(channel, events, auth, true);
    throw error;
  }

  #post(channel: string, events: string[], auth: Auth | undefined): Promise<PublishResult> {
    if (this.state === 'closed') return Promise.reject(new ConnectionError('the client is closed'));
    const fetchFn = this.#options.fetch ?? ((input, init) => fetch(input, init));
    return postEvents({ url: this.#options.url, fetch: fetchFn, auth: auth ?? this.#options.auth }, channel, events);
  }

  /** The `authorization` object of a WebSocket request whose authorized body is `body`. */
  async #authorize(auth: Auth | undefined, body: string): Promise<Headers> {
    const host = this.#host;
    return { host, ...(await (auth ?? this.#options.auth).headers({ url: this.#options.url, headers: { ...REALTIME_HEADERS, host }, body })) };
  }

  /** Resolves with the frame answering operation `id`; rejects on timeout or a lost connection. */
  #await(id: string, what: string): Promise<Frame | undefined> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(() => reject(new TimeoutError(`no ${what} within ${this.#timeoutMs} ms`))), this.#timeoutMs);
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        this.#publishes.delete(id);
        settle();
      };
      this.#publishes.set(id, { resolve: (frame) => done(() => resolve(frame)), reject: (err) => done(() => reject(err)) });
    });
  }

  /** Resolves when connected (starting a connection if needed); rejects when the client closes or after `timeoutMs`. */
  #connected(timeoutMs?: number): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    if (this.state === 'closed') return Promise.reject(this.error ?? new ConnectionError('the client is closed'));
    const connected = new Promise<void>((resolve, reject) => {
      const timer = timeoutMs && setTimeout(() => waiter.reject(new TimeoutError(`not connected within ${timeoutMs} ms`)), timeoutMs);
      const waiter: Waiter = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (err) => (clearTimeout(timer), (this.#waiting = this.#waiting.filter((w) => w !== waiter)), reject(err)),
      };
      this.#waiting.push(waiter);
    });
    if (this.state === 'idle') {
      this.#set('connecting');
      // Opened a tick later: a failure closes the client, and the caller must be listening by then.
      queueMicrotask(() => void this.#open());
    }
    return connected;
  }

  async #open(): Promise<void> {
    const WebSocket = this.#options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    if (!WebSocket) return this.#shutdown(new ConnectionError('no WebSocket implementation: pass the `WebSocket` option (on Node 20: `ws`)'));
    let protocols: string[];
    try {
      protocols = ['aws-appsync-event-ws', headerProtocol(await this.#authorize(undefined, '{}'))];
    } catch (err) {
      // The auth mode could not give credentials (a token provider failed): report, try again later.
      this.#report(err as Error);
      return this.#retry();
    }
    if (this.state === 'closed') return;
    try {
      const connection: Connection = new Connection(WebSocket, this.#options.realtimeUrl ?? realtimeUrl(this.#options.url), protocols, this.#timeoutMs, {
        ready: () => this.#ready(),
        frame: (frame) => this.#frame(frame),
        lost: (reason) => this.#lost(connection, reason),
      });
      this.#connection = connection;
    } catch (err) {
      this.#shutdown(err as Error); // the WebSocket refused its arguments (a malformed URL): retrying cannot help
    }
  }

  #ready(): void {
    this.#attempt = 0;
    this.#refreshed = false;
    this.#set('connected');
    for (const waiter of this.#waiting.splice(0)) waiter.resolve();
    for (const sub of this.#subscriptions.values()) {
      clearTimeout(sub.retry);
      sub.retries = 0;
      void this.#sendSubscribe(sub, false);
    }
  }

  #frame(frame: Frame): void {
    const id = frame.id as string;
    const sub = this.#subscriptions.get(id);
    if (frame.type === 'data') sub?.deliver(frame);
    else if (frame.type === 'broadcast_error') sub?.broadcastError(frame.errors ?? []);
    else if (this.#publishes.has(id)) this.#publishes.get(id)!.resolve(frame);
    else if (frame.type === 'subscribe_success' && !sub) this.#connection?.send({ type: 'unsubscribe', id });
    else if (frame.type === 'error' && frame.id === undefined) this.#report(new ServerError(frame.errors ?? []));
  }

  #lost(connection: Connection, reason: Error): void {
    if (connection !== this.#connection) return;
    this.#connection = undefined;
    if (this.state === 'connected') this.#set('reconnecting');
    for (const sub of this.#subscriptions.values()) sub.suspend();
    const lost = new ConnectionError(`connection lost before the answer; a publish may or may not have been delivered (${reason.message})`);
    for (const waiter of this.#publishes.values()) waiter.reject(lost);
    if (!(reason instanceof ServerError)) return this.#retry();
    if (reason.unauthorized && !this.#refreshed && this.#options.auth.refresh?.()) {
      this.#refreshed = true;
      return void this.#open();
    }
    // Refused credentials or a bad request will not pass by retrying; an overload or an unknown refusal may.
    const final = reason.unauthorized || reason.errorType === 'BadRequestException' || (!reason.transient && reason.status !== undefined);
    return final ? this.#shutdown(reason) : this.#retry();
  }

  /** Tries to connect again after a backoff delay, or closes when reconnecting is off. */
  #retry(): void {
    const options = this.#options.reconnect;
    if (options === false) return this.#shutdown(new ConnectionError('the connection was lost and reconnect is off'));
    this.#retryTimer = setTimeout(() => void this.#open(), backoffDelay(this.#attempt++, options));
  }

  /** An error about no operation: to the `error` listeners, or the console when there are none. */
  #report(error: Error): void {
    if (!this.emit('error', error)) console.error('events client:', error);
  }

  #shutdown(error?: Error): void {
    if (this.state === 'closed') return;
    this.error = error;
    clearTimeout(this.#retryTimer);
    this.#connection?.close();
    this.#connection = undefined;
    const reason = error ?? new ConnectionError('the client was closed');
    for (const waiter of [...this.#waiting, ...this.#publishes.values()]) waiter.reject(reason);
    this.#waiting = [];
    this.#set('closed');
    for (const sub of this.#subscriptions.values()) sub.end(error);
    this.#subscriptions.clear();
    if (error) this.#report(error);
  }

  #set(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }
}

import { randomUUID } from 'node:crypto';
import {
  CLOSE_CODES,
  DecodeError,
  KA_FRAME,
  ProtocolError,
  connectionAckFrame,
  decodeClientMessage,
  errorFrame,
  isProtocolError,
  publishSuccessFrame,
  unsubscribeSuccessFrame,
  type AuthHeaders,
  type ClientMessage,
  type ErrorReplyType,
  type PublishMessage,
  type SubscribeMessage,
} from '@switchboard/protocol';
import type { Logger } from '../log/logger.js';
import { mergeHeaders } from '../auth/headers.js';
import { logRequest, type RequestLine } from '../observability/request-log.js';
import { inSpan } from '../observability/telemetry.js';
import type { SpanAttributes } from '../observability/tracing.js';
import type { Core } from '../ops/core.js';
import { publish } from '../ops/publish.js';
import { authorizeSubscribe, startSubscription, stopSubscription } from '../ops/subscribe.js';
import { InboundGuard } from './inbound-guard.js';
import type { QueueHolder } from './outbound-budget.js';
import { TokenBucket } from './rate-limiter.js';
import { Subscription } from './subscription.js';
import type { Socket } from './socket.js';

/**
 * One WebSocket connection's session: decodes messages, runs them one at a time in arrival order
 * (so a client's publishes reach the broker in the order it sent them, D15), keeps its
 * subscriptions, enforces the per-connection limits and answers every message.
 */
export class Connection implements QueueHolder {
  readonly id = randomUUID();
  readonly #core: Core;
  readonly #socket: Socket;
  /** Upgrade headers merged with the connection's auth headers (D16, D18). */
  readonly #headers: AuthHeaders;
  #logger: Logger | undefined;
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #publishes: TokenBucket;
  readonly #inbound: InboundGuard;
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;
  #closed = false;
  #draining = false;
  /** `ka` goes only to connections that got `connection_ack`: clients take the first frame after `connection_init` as the ack. */
  #acked = false;

  readonly #sourceIp: string | undefined;

  constructor(core: Core, socket: Socket, headers: AuthHeaders, sourceIp?: string) {
    this.#core = core;
    this.#sourceIp = sourceIp;
    this.#socket = socket;
    this.#headers = headers;
    this.#publishes = new TokenBucket(core.limits.publishesPerSecond);
    this.#inbound = new InboundGuard(core.limits, socket);
    core.outbound.track(this);
  }

  /** Created on first use: most connections never log. */
  get #log(): Logger {
    return (this.#logger ??= this.#core.log.child({ connectionId: this.id }));
  }

  /** When the connection opened (epoch ms), for the connection age limit. */
  readonly openedAt = Date.now();

  get subscriptionCount(): number {
    return this.#subscriptions.size;
  }

  /** Handles one text frame from the client. Never throws. */
  receive(text: string): void {
    if (this.#closed || !this.#admitMessage()) return;
    const receivedAt = performance.now();
    let message: ClientMessage;
    try {
      message = decodeClientMessage(text, this.#core.limits.jsonDepth);
    } catch (err) {
      const e = err as DecodeError;
      this.#reject(e.replyType, e.id, e, receivedAt);
      return;
    }
    if (message.type === 'connection_init') {
      this.send(connectionAckFrame(this.#core.limits.connectionTimeoutMs));
      this.#acked = true;
      this.send(KA_FRAME);
      return;
    }
    if (message.type === 'ka') return;
    const replyType = REPLY_TYPE[message.type];
    if (this.#draining) {
      this.#reject(replyType, message.id, new ProtocolError('ServiceUnavailableException', 'The server is shutting down; reconnect and retry'), receivedAt);
      return;
    }
    if (message.type === 'publish' && !this.#publishes.take()) {
      const limit = this.#core.limits.publishesPerSecond;
      this.#reject(replyType, message.id, new ProtocolError('LimitExceededError', `Rate limit exceeded: at most ${limit} publishes per second per connection`), receivedAt);
      return;
    }
    if (this.#queued >= this.#core.limits.pendingOperations) {
      this.#reject(replyType, message.id, new ProtocolError('LimitExceededError', `Too many operations in flight on this connection (limit ${this.#core.limits.pendingOperations})`), receivedAt);
      return;
    }
    this.#queued++;
    this.#inbound.queued(text.length);
    const requestId = randomUUID();
    this.#queue = this.#queue
      .then(() => this.#run(message, requestId, receivedAt))
      .catch((err: unknown) => this.#fail(message, requestId, receivedAt, err))
      .finally(() => {
        this.#queued--;
        this.#inbound.done(text.length);
      });
  }

  /** Binary frames are not part of the protocol. */
  receiveBinary(): void {
    if (this.#closed || !this.#admitMessage()) return;
    this.#reject('error', undefined, new ProtocolError('BadRequestException', 'Binary frames are not supported; send JSON text frames'), performance.now());
  }

  /** Counts an inbound message; closes a connection past `limits.messagesPerSecond`. */
  #admitMessage(): boolean {
    if (this.#inbound.admitMessage()) return true;
    this.#log.warn('closing connection: message rate exceeded', { limit: this.#core.limits.messagesPerSecond });
    this.#core.metrics.disconnects.inc({ reason: 'message_rate' });
    this.close(CLOSE_CODES.MessageRateExceeded.code, 'message rate exceeded');
    return false;
  }

  /** Closes the connection when it has reached `limits.connectionAgeMs`; called by a shared sweep. */
  closeIfExpired(now: number): void {
    if (now - this.openedAt < this.#core.limits.connectionAgeMs) return;
    this.#core.metrics.disconnects.inc({ reason: 'connection_age' });
    this.close(CLOSE_CODES.ConnectionAgeExceeded.code, 'connection age limit reached');
  }

  /** Sends `ka` if the connection has been acked; called by the server's one keep-alive timer. */
  keepAlive(): void {
    if (this.#acked) this.send(KA_FRAME);
  }

  /** Sends a text frame, or closes the connection as a slow consumer when its send buffer is full. */
  send(frame: string): void {
    if (!this.#admit()) return;
    this.#socket.send(frame);
    this.#charge(frame.length);
  }

  /** `send` for a frame made of parts (a `data` frame). */
  sendParts(parts: readonly Buffer[], length: number): void {
    if (!this.#admit()) return;
    this.#socket.sendText(parts, length);
    this.#charge(length);
  }

  /** Bytes queued for the socket, not yet taken by the kernel. */
  get bufferedAmount(): number {
    return this.#socket.bufferedAmount;
  }

  /** Bytes handed to the socket so far (text frames counted by their length: never more than their bytes). */
  enqueuedBytes = 0;

  #charge(bytes: number): void {
    this.enqueuedBytes += bytes;
    this.#core.outbound.charge(bytes);
  }

  /** Resolves once the send buffer is below half its limit (true), or the connection closed (false). */
  async drained(): Promise<boolean> {
    const room = this.#core.limits.sendBufferBytes / 2;
    while (!this.#closed && this.#socket.bufferedAmount > room) await new Promise((r) => setTimeout(r, 5));
    return !this.#closed;
  }

  /** Closes the connection with 4003: this node lost events of a namespace with history (see `HistorySubscriber.lost`). */
  historyGap(): void {
    if (this.#closed) return;
    this.#core.metrics.disconnects.inc({ reason: 'history_gap' });
    this.close(CLOSE_CODES.HistoryGap.code, 'events were lost: resubscribe with your last position');
  }

  /** True when a frame may be sent; closes a slow consumer. */
  #admit(): boolean {
    if (this.#closed) return false;
    if (this.#socket.bufferedAmount > this.#core.limits.sendBufferBytes) {
      this.cutSlowConsumer('send buffer limit exceeded');
      return false;
    }
    return true;
  }

  /**
   * Closes as a slow consumer (4001). A client that does not read will not read the close frame
   * either: the socket is destroyed 5 s later if it has not closed, so what it queued is released
   * then rather than after `ws`'s 30 s closing handshake timeout.
   */
  cutSlowConsumer(reason: string): void {
    if (this.#closed) return;
    this.#log.warn('closing slow consumer', { reason, bufferedAmount: this.#socket.bufferedAmount });
    this.#core.metrics.disconnects.inc({ reason: 'slow_consumer' });
    this.close(CLOSE_CODES.SlowConsumer.code, `slow consumer: ${reason}`);
    setTimeout(() => this.#socket.terminate(), SLOW_CONSUMER_GRACE_MS).unref();
  }

  /** Closes the socket and drops every subscription. Idempotent. */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.dispose();
    this.#socket.close(code, reason);
  }

  /**
   * Graceful close: refuses new operations, lets the ones already queued finish and answer, then
   * closes with `code`. The caller bounds the wait.
   */
  async drainAndClose(code: number, reason: string): Promise<void> {
    this.#draining = true;
    await this.#queue;
    if (!this.#closed) this.#core.metrics.disconnects.inc({ reason: 'shutdown' });
    this.close(code, reason);
  }

  /** Cuts the socket without a closing handshake (shutdown timeout). */
  terminate(): void {
    this.dispose();
    this.#socket.terminate();
  }

  /** Drops every subscription and timer; called when the socket has closed. Idempotent. */
  dispose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#core.outbound.untrack(this);
    for (const sub of this.#subscriptions.values()) stopSubscription(this.#core, sub);
    this.#subscriptions.clear();
  }

  async #run(message: Operation, requestId: string, receivedAt: number): Promise<void> {
    if (this.#closed) return;
    switch (message.type) {
      case 'subscribe': {
        const attributes = (): SpanAttributes => ({ 'switchboard.request_id': requestId, 'switchboard.transport': 'ws', 'switchboard.channel': typeof message.channel === 'string' ? message.channel : undefined });
        await inSpan(this.#core.telemetry, 'subscribe', attributes, () => this.#subscribe(message, requestId), { kind: 'server' });
        break;
      }
      case 'unsubscribe': {
        const sub = this.#subscriptions.get(message.id);
        if (sub === undefined) throw new ProtocolError('UnknownOperationError', `Unknown operation id ${message.id}`);
        this.#subscriptions.delete(message.id);
        stopSubscription(this.#core, sub);
        this.send(unsubscribeSuccessFrame(message.id));
        this.#logOperation(message, requestId, receivedAt, { channel: sub.pattern });
        return;
      }
      case 'publish':
        return this.#publish(message, requestId, receivedAt);
    }
    this.#logOperation(message, requestId, receivedAt);
  }

  #logOperation(message: Operation, requestId: string, receivedAt: number, more: Partial<RequestLine> = {}): void {
    logRequest(this.#core.log, {
      operation: message.type,
      transport: 'ws',
      requestId,
      connectionId: this.id,
      id: message.id,
      channel: message.type === 'unsubscribe' ? undefined : message.channel,
      events: message.type === 'publish' ? message.events : undefined,
      receivedAt,
      ...more,
    });
  }

  async #subscribe(message: SubscribeMessage, requestId: string): Promise<void> {
    if (this.#subscriptions.has(message.id)) {
      throw new ProtocolError('BadRequestException', `Subscription id ${message.id} is already in use on this connection`);
    }
    const max = this.#core.limits.subscriptionsPerConnection;
    if (this.#subscriptions.size >= max) {
      throw new ProtocolError('MaxSubscriptionsReachedError', `Max number of ${max} subscriptions reached on this connection`);
    }
    const { channel } = await authorizeSubscribe(this.#core, {
      channel: message.channel,
      headers: mergeHeaders(this.#headers, message.authorization),
      requestId,
      signedBody: () => JSON.stringify({ channel: message.channel }),
      sourceIp: this.#sourceIp,
    });
    if (this.#closed) return;
    const sub = new Subscription(message.id, channel.path, this, this.#core.limits.sendBufferBytes);
    this.#subscriptions.set(message.id, sub);
    try {
      await startSubscription(this.#core, sub, message.since);
    } catch (err) {
      this.#subscriptions.delete(message.id);
      throw err;
    }
    if (this.#closed) stopSubscription(this.#core, sub);
  }

  async #publish(message: PublishMessage, requestId: string, receivedAt: number): Promise<void> {
    const result = await publish(this.#core, {
      transport: 'ws',
      receivedAt,
      channel: message.channel,
      events: message.events,
      headers: mergeHeaders(this.#headers, message.authorization),
      requestId,
      signedBody: () => JSON.stringify({ channel: message.channel, events: message.events }),
      sourceIp: this.#sourceIp,
    });
    this.#core.metrics.publishes.inc(WS);
    this.send(publishSuccessFrame(message.id, result.successful, result.failed));
    this.#logOperation(message, requestId, receivedAt, { result });
  }

  #fail(message: Operation, requestId: string, receivedAt: number, err: unknown): void {
    const id = message.id;
    let error: ProtocolError;
    if (isProtocolError(err)) {
      if (err.errorType === 'InternalFailureException') this.#log.error('operation failed', { id, requestId, err: err.cause ?? err });
      error = err;
    } else {
      this.#log.error('operation failed unexpectedly', { id, requestId, err });
      error = new ProtocolError('InternalFailureException', 'The operation failed unexpectedly; see the server log');
    }
    this.#sendError(REPLY_TYPE[message.type], id, error);
    this.#logOperation(message, requestId, receivedAt, { error });
  }

  /** Refuses a message before it runs (undecodable, rate limited, too many pending, shutting down). */
  #reject(replyType: ErrorReplyType, id: string | undefined, err: ProtocolError, receivedAt: number): void {
    if (this.#closed) return;
    this.#sendError(replyType, id, err);
    const operation = replyType === 'error' ? 'request' : OPERATION_OF[replyType];
    logRequest(this.#core.log, { operation, transport: 'ws', connectionId: this.id, id, error: err, receivedAt });
  }

  #sendError(replyType: ErrorReplyType, id: string | undefined, err: ProtocolError): void {
    if (this.#closed) return;
    this.#core.metrics.errors.inc({ errorType: err.errorType, transport: 'ws' });
    if (!this.#inbound.admitError(err)) {
      this.#log.warn('closing connection: too many errors', { limit: this.#core.limits.errorsPerSecond });
      this.#core.metrics.disconnects.inc({ reason: 'too_many_errors' });
      this.close(CLOSE_CODES.TooManyErrors.code, 'too many errors');
      return;
    }
    this.send(errorFrame(replyType, id, [err.toWire()]));
  }
}

const WS = { transport: 'ws' } as const;

/** How long a slow consumer's socket may take to close before it is destroyed. */
const SLOW_CONSUMER_GRACE_MS = 5000;

type Operation = Exclude<ClientMessage, { type: 'connection_init' | 'ka' }>;

const REPLY_TYPE = {
  subscribe: 'subscribe_error',
  unsubscribe: 'unsubscribe_error',
  publish: 'publish_error',
} as const satisfies Record<Operation['type'], ErrorReplyType>;

const OPERATION_OF = {
  subscribe_error: 'subscribe',
  unsubscribe_error: 'unsubscribe',
  publish_error: 'publish',
} as const satisfies Record<Exclude<ErrorReplyType, 'error'>, Operation['type']>;

import { ServerError, TimeoutError, ConnectionError, type WireError } from './errors.js';

/**
 * The part of a WebSocket the client uses: the browser's, Node 22's global one, or the `ws`
 * package's (Node 20). Handlers take `any` so that every implementation's own event types fit.
 */
export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
}

/** A WebSocket constructor. */
export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

/** A server frame, read loosely: it comes from the network. */
export type Frame = Record<string, unknown> & { type?: unknown; id?: unknown; errors?: WireError[] };

/** What a connection reports to its client. */
export interface ConnectionHandlers {
  /** `connection_ack` arrived: operations may be sent. */
  ready(): void;
  /** Any frame after the ack but `ka`. */
  frame(frame: Frame): void;
  /**
   * The connection is over: a `ServerError` for a `connection_error`, a `TimeoutError` when no ack
   * or keep-alive came in time, a `ConnectionError` when the socket closed.
   */
  lost(reason: Error): void;
}

/** AppSync's documented keep-alive timeout, used when `connection_ack` does not give one. */
const DEFAULT_CONNECTION_TIMEOUT_MS = 300_000;

/**
 * One WebSocket to the realtime endpoint: `connection_init`, waiting for `connection_ack`, and
 * keep-alive supervision. The server must send something (`ka` or any frame) at least every
 * `connectionTimeoutMs` of the ack; a socket silent for longer is dead (a half-open TCP
 * connection never closes by itself) and is given up on. Reports `lost` exactly once, and never
 * after `close()`.
 */
export class Connection {
  readonly #ws: WebSocketLike;
  readonly #handlers: ConnectionHandlers;
  #lastSeen = Date.now();
  #timer: ReturnType<typeof setTimeout>;
  #over = false;

  constructor(WebSocket: WebSocketConstructor, url: string, protocols: string[], ackTimeoutMs: number, handlers: ConnectionHandlers) {
    this.#handlers = handlers;
    const ws = (this.#ws = new WebSocket(url, protocols));
    ws.onopen = () => ws.send('{"type":"connection_init"}');
    ws.onmessage = (event: { data: unknown }) => this.#receive(event.data);
    ws.onclose = (event: { code: number; reason?: string }) =>
      this.#end(new ConnectionError(`connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`));
    ws.onerror = () => undefined; // `close` follows and reports
    this.#timer = setTimeout(() => this.#end(new TimeoutError(`no connection_ack within ${ackTimeoutMs} ms`)), ackTimeoutMs);
  }

  send(frame: object): void {
    this.#ws.send(JSON.stringify(frame));
  }

  /** Closes the socket without reporting. */
  close(): void {
    this.#end();
  }

  #receive(data: unknown): void {
    this.#lastSeen = Date.now();
    let frame: Frame;
    try {
      frame = JSON.parse(data as string) as Frame;
    } catch {
      return; // binary or non-JSON frames are not part of the protocol
    }
    if (frame.type === 'connection_ack') {
      clearTimeout(this.#timer);
      this.#watch(Number(frame['connectionTimeoutMs']) || DEFAULT_CONNECTION_TIMEOUT_MS);
      this.#handlers.ready();
    } else if (frame.type === 'connection_error') {
      this.#end(new ServerError(frame.errors ?? []));
    } else if (frame.type !== 'ka') {
      this.#handlers.frame(frame);
    }
  }

  #watch(timeoutMs: number): void {
    const idle = Date.now() - this.#lastSeen;
    this.#timer =
      idle >= timeoutMs
        ? (this.#end(new TimeoutError(`no keep-alive from the server for ${timeoutMs} ms`)), this.#timer)
        : setTimeout(() => this.#watch(timeoutMs), timeoutMs - idle);
  }

  #end(reason?: Error): void {
    if (this.#over) return;
    this.#over = true;
    clearTimeout(this.#timer);
    const ws = this.#ws;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try {
      ws.close();
    } catch {
      // a socket still connecting may refuse; it is dropped either way
    }
    if (reason) this.#handlers.lost(reason);
  }
}

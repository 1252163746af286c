import type { Limits, ProtocolError } from '@switchboard/protocol';
import { TokenBucket } from './rate-limiter.js';

/** What the guard needs from the transport: stop and restart reading. */
export interface Readable {
  pause(): void;
  resume(): void;
}

/**
 * The inbound budget of one connection, so that no client can make the server work, answer or
 * buffer without bound:
 * - every message takes a token (`limits.messagesPerSecond`, a burst of five seconds' worth);
 * - every error reply the client caused takes a token (`limits.errorsPerSecond`, a burst of ten
 *   seconds' worth). Server-side failures (5xx) and a handler's own refusals (`HandlerError`)
 *   do not count: a client is never closed for the server's or the application's reasons;
 * - the text of queued messages counts against `limits.frameBytes`: past it the socket stops
 *   being read (TCP pushes back on the client) until the queue drains, so queued input holds
 *   about two frames at most, however many messages are pipelined.
 */
export class InboundGuard {
  readonly #messages: TokenBucket;
  readonly #errors: TokenBucket;
  readonly #maxQueuedBytes: number;
  readonly #socket: Readable;
  #queuedBytes = 0;
  #paused = false;

  constructor(limits: Readonly<Limits>, socket: Readable) {
    this.#messages = new TokenBucket(limits.messagesPerSecond, limits.messagesPerSecond * 5);
    this.#errors = new TokenBucket(limits.errorsPerSecond, limits.errorsPerSecond * 10);
    this.#maxQueuedBytes = limits.frameBytes;
    this.#socket = socket;
  }

  /** Counts one inbound message; false when the client is past its message rate. */
  admitMessage(): boolean {
    return this.#messages.take();
  }

  /** Counts one error reply; false when the client has earned too many and must not be answered. */
  admitError(err: ProtocolError): boolean {
    if (err.status >= 500 || err.errorType === 'HandlerError') return true;
    return this.#errors.take();
  }

  /** A message of `bytes` joined the queue. */
  queued(bytes: number): void {
    this.#queuedBytes += bytes;
    if (!this.#paused && this.#queuedBytes >= this.#maxQueuedBytes) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  /** A message of `bytes` left the queue (answered). */
  done(bytes: number): void {
    this.#queuedBytes -= bytes;
    if (this.#paused && this.#queuedBytes < this.#maxQueuedBytes) {
      this.#paused = false;
      this.#socket.resume();
    }
  }
}

import type { Logger } from '../log/logger.js';
import type { BrokerStatus } from './types.js';

/**
 * A broker's readiness (see `Broker.ready`), shared by the broker implementations: the current
 * state, one log line and one status event per transition, and the check that keeps a publish from
 * being acknowledged across a loss of readiness.
 *
 * The broker decides what ready means for it (for Redis: both connections up, answering probes,
 * every interest subscribed again) and reports every change of that condition with `update`.
 */
export class Readiness {
  readonly #log: Logger;
  readonly #where: Record<string, unknown>;
  #ready = false;
  /** Grows each time readiness is lost: a publish that saw one value and ends under another spanned a loss. */
  #generation = 0;
  #started = false;
  #lostAt = 0;
  #listener: ((status: BrokerStatus) => void) | undefined;

  /** `where` names the broker in log lines (a URL without credentials). */
  constructor(log: Logger, where: Record<string, unknown>) {
    this.#log = log;
    this.#where = where;
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** Marks the start (the first ready state is logged as `broker connected`) and sets the listener. */
  start(ready: boolean, listener: ((status: BrokerStatus) => void) | undefined): void {
    this.#listener = listener;
    this.#started = true;
    this.#ready = ready;
    this.#log.info('broker connected', this.#where);
  }

  /** Reports the broker's current condition; logs and emits only when it changed. */
  update(ready: boolean, reason?: string): void {
    if (!this.#started || ready === this.#ready) return;
    this.#ready = ready;
    if (ready) {
      const downMs = Date.now() - this.#lostAt;
      this.#log.info('broker reconnected', { ...this.#where, downMs });
      this.#emit({ ready, downMs });
    } else {
      this.#generation++;
      this.#lostAt = Date.now();
      this.#log.warn('broker disconnected', { ...this.#where, reason: reason ?? 'connection closed' });
      this.#emit({ ready, reason: reason ?? 'connection closed' });
    }
  }

  /** Stops everything: not ready, no more log lines or events. */
  close(): void {
    if (this.#ready) this.#generation++;
    this.#ready = false;
    this.#started = false;
    this.#listener = undefined;
  }

  /**
   * For a publish: throws unless ready, and returns what `confirm` checks once the broker has
   * accepted the message.
   */
  admit(what: string): number {
    if (!this.#ready) throw new Error(`${what} is not ready (disconnected, or restoring this node's interests); retry later`);
    return this.#generation;
  }

  /**
   * Throws when readiness was lost since `admit` returned `ticket`: the broker may have taken the
   * message while this node could not receive it, so it must not be acknowledged.
   */
  confirm(ticket: number, what: string): void {
    if (!this.#ready || this.#generation !== ticket) {
      throw new Error(`${what} lost its link while the message was being published; it may not have been delivered`);
    }
  }

  #emit(status: BrokerStatus): void {
    try {
      this.#listener?.(status);
    } catch (err) {
      this.#log.error('broker status listener threw', { err });
    }
  }
}

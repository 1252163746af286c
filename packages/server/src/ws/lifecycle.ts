import { CLOSE_CODES } from '@switchboard/protocol';
import type { ServerMetrics } from '../observability/server-metrics.js';
import type { Connection } from './connection.js';

export interface LifecycleOptions {
  /**
   * A connection with no subscription that has sent nothing for this long is closed with 1000;
   * 0 never closes one. AppSync closes such connections after a few minutes.
   */
  readonly idleConnectionMs: number;
  /** Close a connection with 1000 when the credential it connected with expires. */
  readonly closeOnExpiry: boolean;
  /** `limits.connectionAgeMs`: the connection closes itself with 4002 (`Connection.closeIfExpired`). */
  readonly connectionAgeMs: number;
}

interface Life {
  lastActiveAt: number;
  readonly expiresAt: number | undefined;
}

/**
 * When the server ends a healthy connection, as AppSync does: after it has sat idle without a
 * subscription (`limits.idleConnectionMs`), when the token it authenticated with expires
 * (`auth.closeConnectionsOnExpiry`), and at `limits.connectionAgeMs`. Both of AppSync's closes
 * are code 1000, so clients written for AppSync react as they do there. One shared sweep checks
 * every connection; no timer per socket.
 */
export class ConnectionLifecycle {
  readonly #lives = new Map<Connection, Life>();
  readonly #options: LifecycleOptions;
  readonly #metrics: ServerMetrics;

  constructor(options: LifecycleOptions, metrics: ServerMetrics) {
    this.#options = options;
    this.#metrics = metrics;
  }

  /** Starts tracking an accepted connection; `expiresAt` comes from its connect-time auth grant. */
  add(connection: Connection, expiresAt: number | undefined, now = Date.now()): void {
    this.#lives.set(connection, { lastActiveAt: now, expiresAt });
  }

  /** Any frame from the client counts as activity. */
  touch(connection: Connection, now = Date.now()): void {
    const life = this.#lives.get(connection);
    if (life !== undefined) life.lastActiveAt = now;
  }

  delete(connection: Connection): void {
    this.#lives.delete(connection);
  }

  /** Closes every connection that is past its age, idle, or holding an expired credential. */
  sweep(now: number): void {
    const { idleConnectionMs, closeOnExpiry, connectionAgeMs } = this.#options;
    for (const [connection, life] of this.#lives) {
      if (now - connection.openedAt >= connectionAgeMs) {
        this.#lives.delete(connection);
        connection.closeIfExpired(now);
      } else if (closeOnExpiry && life.expiresAt !== undefined && life.expiresAt <= now) {
        this.#close(connection, 'token_expired', 'the credential this connection authenticated with has expired');
      } else if (idleConnectionMs > 0 && connection.subscriptionCount === 0 && now - life.lastActiveAt >= idleConnectionMs) {
        this.#close(connection, 'idle', 'idle connection: no subscription and no message');
      }
    }
  }

  #close(connection: Connection, reason: string, text: string): void {
    this.#lives.delete(connection);
    this.#metrics.disconnects.inc({ reason });
    connection.close(CLOSE_CODES.Normal.code, text);
  }
}

/**
 * How often the shared sweep runs: a tenth of the shortest time limit, between 10 ms and 1 s, so
 * that an expired credential's connection is closed within a second.
 */
export function sweepIntervalMs(connectionAgeMs: number, idleConnectionMs: number): number {
  const shortest = Math.min(connectionAgeMs, idleConnectionMs > 0 ? idleConnectionMs : Infinity);
  return Math.max(10, Math.min(1000, Math.floor(shortest / 10)));
}

import type { Logger } from '../log/logger.js';

/** A connection as the budget sees it. */
export interface QueueHolder {
  /** Bytes queued for the socket and not yet taken by the kernel. */
  readonly bufferedAmount: number;
  /** Bytes ever handed to the socket; minus `bufferedAmount`, what has left. */
  readonly enqueuedBytes: number;
  /** Closes the connection as a slow consumer (4001) and releases what it queued. */
  cutSlowConsumer(reason: string): void;
}

interface Observation {
  flushed: number;
  progressAt: number;
}

const WARN_EVERY_MS = 10_000;

/** A connection that has sent nothing for this long while it had a queue is stalled. */
export const STALL_MS = 1000;

/**
 * The process-wide budget for queued outbound bytes (`limits.sendBufferTotalBytes`), beside each
 * connection's own limit (`limits.sendBufferBytes`). When the bytes queued for all sockets
 * together pass it, the stalled connections (a queue, and nothing flushed for `STALL_MS`) are
 * cut, largest queue first, until the total is back under three quarters of the budget.
 *
 * Only stalled connections are cut: a fan-out of one large event to many sockets queues the
 * same shared bytes once per socket for a moment (the total counts them once per socket, the
 * memory holds them once), and a slow link that still drains is not an offender. A client that
 * never reads is, and what it held comes back when it is cut.
 *
 * The check is O(connections); it runs when `budget / 16` more bytes were sent since the last
 * one, so the total can pass the budget by that much at most between checks.
 */
export class OutboundBudget {
  readonly #budget: number;
  readonly #checkEvery: number;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #holders = new Map<QueueHolder, Observation>();
  #sinceCheck = 0;
  #checking = false;
  #warnedAt = -Infinity;

  constructor(budgetBytes: number, log: Logger, now: () => number = Date.now) {
    this.#budget = budgetBytes;
    this.#checkEvery = Math.max(64 * 1024, Math.floor(budgetBytes / 16));
    this.#log = log;
    this.#now = now;
  }

  track(holder: QueueHolder): void {
    this.#holders.set(holder, { flushed: 0, progressAt: this.#now() });
  }

  untrack(holder: QueueHolder): void {
    this.#holders.delete(holder);
  }

  /** The bytes queued for all tracked sockets now (the metrics gauge; O(connections), read per scrape). */
  get queuedBytes(): number {
    let total = 0;
    for (const holder of this.#holders.keys()) total += holder.bufferedAmount;
    return total;
  }

  /** Counts bytes just handed to a socket; checks the budget when enough were sent since the last check. */
  charge(bytes: number): void {
    this.#sinceCheck += bytes;
    if (this.#sinceCheck >= this.#checkEvery) this.check();
  }

  /** Observes every connection, and cuts stalled ones while the total passes the budget. */
  check(): void {
    if (this.#checking) return;
    this.#checking = true;
    try {
      this.#sinceCheck = 0;
      const now = this.#now();
      let total = 0;
      const stalled: QueueHolder[] = [];
      for (const [holder, seen] of this.#holders) {
        const queued = holder.bufferedAmount;
        const flushed = holder.enqueuedBytes - queued;
        if (flushed > seen.flushed || queued === 0) {
          seen.flushed = flushed;
          seen.progressAt = now;
        } else if (now - seen.progressAt >= STALL_MS) {
          stalled.push(holder);
        }
        total += queued;
      }
      if (total <= this.#budget) return;
      const target = Math.floor((this.#budget * 3) / 4);
      stalled.sort((a, b) => b.bufferedAmount - a.bufferedAmount);
      let cut = 0;
      for (const holder of stalled) {
        if (total <= target) break;
        total -= holder.bufferedAmount;
        holder.cutSlowConsumer('outbound budget exceeded');
        cut++;
      }
      if (cut > 0) this.#log.warn('outbound budget exceeded: stalled connections cut', { budget: this.#budget, cut, queuedBytes: total });
      else if (now - this.#warnedAt >= WARN_EVERY_MS) {
        this.#warnedAt = now;
        this.#log.warn('outbound budget exceeded, but no connection is stalled', { budget: this.#budget, queuedBytes: total });
      }
    } finally {
      this.#checking = false;
    }
  }
}

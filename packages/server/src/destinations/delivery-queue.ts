import { attempt, type Refusal } from './attempt.js';
import type { Destination, OutboundEvent } from './types.js';

/** Bounds of an `async` destination's in-memory queue. */
export interface QueueOptions {
  /** Events accepted and not yet confirmed or given up. */
  readonly maxEvents: number;
  /** Their bodies' UTF-8 bytes. */
  readonly maxBytes: number;
}

/** How an `async` destination retries. */
export interface RetryOptions {
  /** Sends of one event while the destination is connected, the first included. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** An event with its size, as the queue counts it. */
export interface QueuedEvent {
  readonly event: OutboundEvent;
  readonly bytes: number;
}

/** What the queue reports to its owner (metrics and logs). */
export interface QueueReporter {
  sent(count: number): void;
  retried(count: number): void;
  /** Events the queue will never deliver: refused for good, or out of attempts. */
  gaveUp(events: readonly OutboundEvent[], reason: 'refused' | 'retries_exhausted', refusal: Refusal): void;
  /** A whole batch failed and will be retried: the destination looks down. */
  unavailable(): void;
}

interface Item extends QueuedEvent {
  attempts: number;
}

/** How often a disconnected destination is checked for being back. */
const RECONNECT_POLL_MS = 100;

/**
 * The bounded queue and sender of one `async` destination. Events are sent in the order they were
 * pushed, one batch at a time (so per-channel order holds), up to `batchSize` per send. A batch
 * the destination refuses as a whole, or that times out, is sent again after an exponential
 * backoff (with jitter), before anything newer; events the destination refused one by one with a
 * retryable code are sent again the same way, ahead of newer events (they may then land after
 * newer events of their batch). An event is given up after `maxAttempts` sends, or at once when
 * refused as not retryable. While the destination reports itself disconnected nothing is sent
 * and no attempt is counted: the queue waits, within its bounds.
 *
 * Room is reserved before the broadcast and filled after it, so the caller can refuse a publish
 * the queue cannot take before anything is broadcast.
 */
export class DeliveryQueue {
  #items: Item[] = [];
  #head = 0;
  /** Older than everything in `#items`: sent first. */
  #retrying: Item[] = [];
  #count = 0;
  #bytes = 0;
  #reservedCount = 0;
  #reservedBytes = 0;
  #inFlight: Item[] = [];
  #pumping = false;
  #stopped = false;
  readonly #stop = new AbortController();
  #wake: (() => void) | undefined;
  #idle: (() => void)[] = [];

  constructor(
    private readonly destination: Destination,
    private readonly options: QueueOptions & RetryOptions & { batchSize: number; timeoutMs: number },
    private readonly report: QueueReporter,
  ) {}

  /** Events accepted and not yet confirmed or given up (sending ones included). */
  get size(): number {
    return this.#count;
  }

  /** Reserves room for events about to be pushed; false (and nothing reserved) when they do not fit. */
  reserve(count: number, bytes: number): boolean {
    if (this.#stopped) return false;
    const events = this.#count + this.#reservedCount + count;
    if (events > this.options.maxEvents || this.#bytes + this.#reservedBytes + bytes > this.options.maxBytes) return false;
    this.#reservedCount += count;
    this.#reservedBytes += bytes;
    return true;
  }

  /** Gives back room reserved and not used. */
  release(count: number, bytes: number): void {
    this.#reservedCount -= count;
    this.#reservedBytes -= bytes;
  }

  /** Queues events that have room reserved (their room moves from reserved to used). */
  push(events: readonly QueuedEvent[]): void {
    for (const queued of events) {
      this.#items.push({ ...queued, attempts: 0 });
      this.#count++;
      this.#bytes += queued.bytes;
      this.#reservedCount--;
      this.#reservedBytes -= queued.bytes;
    }
    if (!this.#pumping && !this.#stopped) void this.#pump();
  }

  /**
   * Waits until every queued event is confirmed or given up, or until `deadline` (epoch ms), then
   * stops sending. Returns the events still undelivered (a batch still waiting for its
   * confirmation included: it may yet arrive).
   */
  async drain(deadline: number): Promise<OutboundEvent[]> {
    if (this.#count > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#idle.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now())))),
      ]);
      clearTimeout(timer);
    }
    this.#stopped = true;
    this.#stop.abort();
    this.#wake?.();
    const left = [...this.#inFlight, ...this.#retrying, ...this.#items.slice(this.#head)].map((item) => item.event);
    this.#items = [];
    this.#head = 0;
    this.#retrying = [];
    this.#inFlight = [];
    this.#count = 0;
    this.#bytes = 0;
    return left;
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (!this.#stopped && this.#count > 0) {
        if (!this.destination.connected) {
          await this.#sleep(RECONNECT_POLL_MS);
          continue;
        }
        const batch = this.#take();
        const outcomes = await attempt(this.destination, batch.map((item) => item.event), this.options.timeoutMs, this.#stop.signal);
        if (this.#stopped) return; // drain() already reported this batch as left over
        this.#inFlight = [];
        this.#settle(batch, outcomes);
        if (this.#retrying.length > 0) await this.#sleep(this.#backoff(this.#retrying[0]!.attempts));
      }
    } finally {
      this.#pumping = false;
      if (this.#count === 0) for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /** The retrying events first, then the oldest queued ones, up to `batchSize`. */
  #take(): Item[] {
    const room = Math.max(0, this.options.batchSize - this.#retrying.length);
    const fresh = this.#items.slice(this.#head, this.#head + room);
    this.#head += fresh.length;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    if (this.#retrying.length > 0) this.report.retried(this.#retrying.length);
    const batch = [...this.#retrying, ...fresh];
    this.#retrying = [];
    this.#inFlight = batch;
    return batch;
  }

  #settle(batch: Item[], outcomes: (Refusal | undefined)[]): void {
    if (outcomes.every((o) => o?.whole === true && o.retryable)) this.report.unavailable();
    let sent = 0;
    const refused = new Map<Refusal, OutboundEvent[]>();
    const exhausted = new Map<Refusal, OutboundEvent[]>();
    batch.forEach((item, i) => {
      const refusal = outcomes[i];
      if (refusal !== undefined && refusal.retryable && ++item.attempts < this.options.maxAttempts) {
        this.#retrying.push(item);
        return;
      }
      this.#count--;
      this.#bytes -= item.bytes;
      if (refusal === undefined) sent++;
      else {
        const group = refusal.retryable ? exhausted : refused;
        group.set(refusal, [...(group.get(refusal) ?? []), item.event]);
      }
    });
    if (sent > 0) this.report.sent(sent);
    for (const [refusal, events] of refused) this.report.gaveUp(events, 'refused', refusal);
    for (const [refusal, events] of exhausted) this.report.gaveUp(events, 'retries_exhausted', refusal);
  }

  /** Exponential from `initialDelayMs`, capped at `maxDelayMs`, with ±20% jitter. */
  #backoff(attempts: number): number {
    const base = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }
}

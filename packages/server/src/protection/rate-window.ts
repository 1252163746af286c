interface Counts {
  /** Index of the fixed window `current` counts (`floor(now / windowMs)`). */
  window: number;
  previous: number;
  current: number;
}

/** The answer to one request. */
export interface RateDecision {
  readonly allowed: boolean;
  /** When refused: about how long until a request would be allowed again (ms). */
  readonly retryAfterMs: number;
}

/**
 * A rate-based rule: at most `limit` requests per client key over a trailing window of
 * `windowMs`, as a WAF rate rule counts them. The trailing window is estimated from two fixed
 * windows (the previous one weighted by how much of it still overlaps), which needs three numbers
 * per key. Every request counts, refused ones too, so a client that keeps hammering stays refused
 * until it backs off.
 *
 * Memory is bounded: at most `maxKeys` keys are tracked. A key is moved to the back on every
 * request; when the map is full the least recently seen key is dropped, and keys whose windows
 * have gone stale are dropped first as new ones arrive. A spray of source addresses therefore
 * costs at most `maxKeys` entries (about 100 bytes each), never more.
 */
export class RateWindows {
  readonly #counts = new Map<string, Counts>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(limit: number, windowMs: number, maxKeys: number, now: () => number = Date.now) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
    this.#now = now;
  }

  /** Counts one request of `key` and says whether it is within the limit. */
  hit(key: string): RateDecision {
    const now = this.#now();
    const window = Math.floor(now / this.#windowMs);
    let counts = this.#counts.get(key);
    if (counts === undefined) {
      this.#makeRoom(window);
      counts = { window, previous: 0, current: 0 };
    } else {
      this.#counts.delete(key);
      if (counts.window !== window) {
        counts.previous = counts.window === window - 1 ? counts.current : 0;
        counts.current = 0;
        counts.window = window;
      }
    }
    this.#counts.set(key, counts);
    const elapsed = (now % this.#windowMs) / this.#windowMs;
    const estimate = counts.previous * (1 - elapsed) + counts.current;
    counts.current++;
    if (estimate < this.#limit) return { allowed: true, retryAfterMs: 0 };
    return { allowed: false, retryAfterMs: Math.ceil((1 - elapsed) * this.#windowMs) };
  }

  /** Keys tracked now. */
  get size(): number {
    return this.#counts.size;
  }

  #makeRoom(window: number): void {
    for (const [key, counts] of this.#counts) {
      const stale = counts.window < window - 1;
      if (!stale && this.#counts.size < this.#maxKeys) return;
      this.#counts.delete(key);
    }
  }
}

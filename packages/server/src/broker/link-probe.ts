/** How often a broker link is probed, and how long a probe may take. */
export interface ProbeOptions {
  /** Time between the end of one probe and the start of the next. @default 1000 */
  readonly intervalMs: number;
  /** A probe not answered within this time fails. @default 1500 */
  readonly timeoutMs: number;
}

export const DEFAULT_PROBE: ProbeOptions = { intervalMs: 1000, timeoutMs: 1500 };

/** Why a check failed: it rejected (`timedOut` false), or it was not answered in time. */
export interface ProbeFailure {
  readonly timedOut: boolean;
  readonly reason: string;
}

export interface LinkProbeOptions extends ProbeOptions {
  /**
   * One round trip to the broker (Redis `PING`, a NATS flush). Resolves when the broker answered;
   * also resolves when the link is known to be down already (the broker's own connection events
   * handle that), so only a live-looking link that does not answer counts as a failure.
   */
  readonly check: () => Promise<unknown>;
  /** Called when a check rejects or does not settle within `timeoutMs`. */
  readonly onFailure: (failure: ProbeFailure) => void;
}

/**
 * Probes a broker link on an interval, one check at a time, so that a link that stays open but
 * carries nothing (a network partition, a stalled proxy, a hung server) is noticed within
 * `intervalMs + timeoutMs`, not when the operating system gives up on the TCP connection.
 *
 * A late answer is not taken for a silent link merely because this process was busy: when the
 * timeout fires, the verdict waits for the I/O already received to be processed (one
 * `setImmediate`), so an answer that arrived while the event loop was blocked still counts.
 */
export class LinkProbe {
  readonly #options: LinkProbeOptions;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(options: LinkProbeOptions) {
    this.#options = options;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule();
  }

  /** Stops probing; the result of a check in flight is ignored. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#probe().then(() => this.#schedule()), this.#options.intervalMs);
    this.#timer.unref();
  }

  async #probe(): Promise<void> {
    const failure = await checkWithin(this.#options.check, this.#options.timeoutMs);
    if (failure !== undefined && !this.#stopped) this.#options.onFailure(failure);
  }
}

/** Runs `check`; resolves with why it failed (rejected, or unanswered after `timeoutMs`), or undefined. */
export function checkWithin(check: () => Promise<unknown>, timeoutMs: number): Promise<ProbeFailure | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (failure: ProbeFailure | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(failure);
    };
    const timer = setTimeout(() => setImmediate(() => settle({ timedOut: true, reason: `no answer within ${timeoutMs} ms` })), timeoutMs);
    let pending: Promise<unknown>;
    try {
      pending = check();
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      () => settle(undefined),
      (err: unknown) => settle({ timedOut: false, reason: err instanceof Error ? err.message : String(err) }),
    );
  });
}

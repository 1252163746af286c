import type { Logger } from '../log/logger.js';

const INTERVAL_MS = 10_000;

/**
 * Logs protection refusals without letting a flood flood the log: at most one `warn` line per
 * reason every 10 s, naming one client and how many refusals of that reason were not logged since
 * the previous line. Lines carry the reason, transport and client address, never headers.
 */
export class RefusalLog {
  readonly #log: Logger;
  readonly #state = new Map<string, { loggedAt: number; suppressed: number }>();
  readonly #now: () => number;

  constructor(log: Logger, now: () => number = Date.now) {
    this.#log = log;
    this.#now = now;
  }

  refused(reason: string, transport: string, clientIp: string): void {
    const now = this.#now();
    const state = this.#state.get(reason);
    if (state !== undefined && now - state.loggedAt < INTERVAL_MS) {
      state.suppressed++;
      return;
    }
    this.#log.warn('protection refused a request', { reason, transport, clientIp, notLoggedSincePrevious: state?.suppressed ?? 0 });
    this.#state.set(reason, { loggedAt: now, suppressed: 0 });
  }
}

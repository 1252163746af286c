/** How the client retries a lost connection (and a subscription refused for a passing reason). */
export interface ReconnectOptions {
  /** The first delay. @default 1000 */
  initialDelayMs?: number;
  /** Delays double up to this. @default 30000 */
  maxDelayMs?: number;
}

/**
 * The delay before retry number `attempt` (0 for the first): exponential, capped, with "equal
 * jitter" (a random half to the whole of the step) so that clients dropped together by one
 * server restart do not all come back in the same millisecond.
 */
export function backoffDelay(attempt: number, options: ReconnectOptions = {}): number {
  const step = Math.min(options.maxDelayMs ?? 30_000, (options.initialDelayMs ?? 1000) * 2 ** attempt);
  return step / 2 + (Math.random() * step) / 2;
}

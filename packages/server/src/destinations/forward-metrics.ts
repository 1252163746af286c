import type { Counter, MetricsRegistry } from '../observability/metrics.js';

/** Why an event did not reach a destination (the `reason` label of `switchboard_forward_failed_total`). */
export type FailReason =
  /** `required`: not confirmed (down, timed out, refused); the publisher got it in `failed`. */
  | 'not_confirmed'
  /** `async`: refused with a code that retrying cannot fix. */
  | 'refused'
  /** `async`: still refused after `retry.maxAttempts` sends. */
  | 'retries_exhausted'
  /** `async`: the queue was full (`overflow: reject` failed the publish; `drop` broadcast it unforwarded). */
  | 'queue_full'
  /** `async`: still queued when shutdown's time ran out. */
  | 'shutdown';

/**
 * The forwarding counters, labelled by `destination` (and `guarantee`, `reason`). The names are
 * stable: dashboards and alerts rely on them. `switchboard_forward_queued` and
 * `switchboard_forward_up` are gauges the forwarder adds.
 */
export interface ForwardMetrics {
  /** Events the destination confirmed. */
  readonly sent: Counter;
  /** Events that never reached the destination, by reason. */
  readonly failed: Counter;
  /** Events sent again after a failed send (`async`). */
  readonly retried: Counter;
}

export function createForwardMetrics(registry: MetricsRegistry): ForwardMetrics {
  return {
    sent: registry.counter('switchboard_forward_sent_total', 'Events a destination confirmed, by destination and guarantee.'),
    failed: registry.counter('switchboard_forward_failed_total', 'Events that did not reach a destination, by destination, guarantee and reason.'),
    retried: registry.counter('switchboard_forward_retried_total', 'Events sent again to an async destination after a failed send.'),
  };
}

import type { WireError } from './errors.js';

/**
 * Resuming a subscription after a reconnect: the client side of Switchboard's history extension
 * (docs/client.md, "Resume"). All of it is additive and only used when the server shows it:
 *
 * - a `data` frame (and `subscribe_success`) may carry `position`: an opaque JSON value the
 *   subscription keeps, the last one seen;
 * - a `subscribe` sent with a kept position carries it as `since`;
 * - the `subscribe_success` that answers it says `recovered: true` (the missed events follow, in
 *   order, before live ones) or `recovered: false` with a `reason`.
 *
 * AppSync never sends a position, so against it the client never sends `since`, and every
 * resubscribe is reported as a gap: events published while disconnected are lost.
 */
export interface Gap {
  /**
   * `no-history`: the server keeps no history for this channel (AppSync, or a namespace without
   * it): anything published while disconnected is lost. `unrecoverable`: it has history but could
   * not replay from the last position (too old, history reset); `error` says why.
   */
  reason: 'no-history' | 'unrecoverable';
  /** The last position the subscription had seen, if any. */
  since?: unknown;
  /** The server's explanation (`HistoryExpired`, `HistoryReset`; `HistoryNotEnabled` with `no-history`). */
  error?: WireError;
}

/** A frame field, read loosely: frames come from the network. */
type Frame = Record<string, unknown>;

/** The extension fields of a `subscribe` for a subscription that has seen `position`. */
export function resumeFields(position: unknown): Frame {
  return position === undefined ? {} : { since: position };
}

/** The position a frame carries, or `undefined`. */
export function framePosition(frame: Frame): unknown {
  return frame['position'] ?? undefined;
}

/** The gap a `subscribe_success` reveals for a subscribe sent with `since`; `undefined`: none. */
export function resumeGap(frame: Frame, since: unknown): Gap | undefined {
  if (frame['recovered'] === true) return undefined;
  if (frame['recovered'] !== false) return { reason: 'no-history', since };
  const error = frame['reason'] as WireError;
  // Switchboard says so explicitly when the namespace keeps no history.
  return { reason: error?.errorType === 'HistoryNotEnabled' ? 'no-history' : 'unrecoverable', since, error };
}

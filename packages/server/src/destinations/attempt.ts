import { DestinationError, type Destination, type OutboundEvent } from './types.js';

/** Why one event was not confirmed. */
export interface Refusal {
  /** A string code: the destination's (`Nack`, an AWS `ErrorCode`) or `Unavailable`, `Timeout`. */
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  /** True when the whole batch failed (down, timed out), rather than this event alone. */
  readonly whole: boolean;
}

/** Per event of a batch: `undefined` when confirmed, else why not. */
export type Outcome = Refusal | undefined;

/**
 * Sends one batch and waits at most `timeoutMs` for the confirmation, or until `stop` aborts.
 * Never rejects: every way the call can end becomes one outcome per event, in batch order. A late
 * confirmation after the timeout is ignored (the event may have arrived: at least once).
 */
export async function attempt(destination: Destination, batch: readonly OutboundEvent[], timeoutMs: number, stop?: AbortSignal): Promise<Outcome[]> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onStop: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new DestinationError('Timeout', `destination ${destination.name} did not confirm within ${timeoutMs} ms`, true));
    }, timeoutMs);
    onStop = () => {
      abort.abort();
      reject(new DestinationError('Stopped', `stopped waiting for destination ${destination.name}`, true));
    };
    if (stop?.aborted) onStop();
    else stop?.addEventListener('abort', onStop, { once: true });
  });
  try {
    const result = await Promise.race([destination.send(batch, abort.signal), timeout]);
    const outcomes: Outcome[] = new Array<Outcome>(batch.length).fill(undefined);
    for (const failure of result.failed) {
      if (failure.index >= 0 && failure.index < batch.length) {
        outcomes[failure.index] = { code: failure.code, message: failure.message, retryable: failure.retryable, whole: false };
      }
    }
    return outcomes;
  } catch (err) {
    const refusal: Refusal =
      err instanceof DestinationError
        ? { code: err.code, message: err.message, retryable: err.retryable, whole: true }
        : { code: 'Error', message: err instanceof Error ? err.message : String(err), retryable: true, whole: true };
    return batch.map(() => refusal);
  } finally {
    clearTimeout(timer);
    if (onStop !== undefined) stop?.removeEventListener('abort', onStop);
  }
}

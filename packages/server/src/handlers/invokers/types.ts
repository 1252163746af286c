import type { InvokeCall, InvokeOutcome } from '../runtime/execute.js';

export type { InvokeCall, InvokeOutcome };

/**
 * Runs handler calls somewhere: a worker thread, this thread, or an HTTP endpoint.
 *
 * Contract:
 * - `invoke` resolves with how the handler ended (returned, threw, `util.error`, ...), or rejects
 *   with a `ProtocolError`: `HandlerTimeoutError` when `call.deadline` passes first,
 *   `HandlerFailedError` when the handler could not run (crash, unreachable URL, worker died).
 *   It never rejects with anything else, and it never runs one call twice after a handler may
 *   have seen it, except an HTTP retry of a request that got no answer.
 * - A handler that blocks or crashes cannot take the server down (for `inline`, a blocking
 *   handler does block: that mode trades isolation for speed and is documented so).
 * - `reload` makes later calls use the handler file as it is now; calls in flight finish on the
 *   old code.
 */
export interface Invoker {
  invoke(call: InvokeCall): Promise<InvokeOutcome>;
  reload(): void;
  close(): Promise<void>;
}

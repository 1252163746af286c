import { ProtocolError } from '@switchboard/protocol';
import { traceparentOfXray } from '../observability/tracing.js';
import type { InvokeCall, InvokeOutcome, Invoker } from './types.js';

export interface HttpInvokerOptions {
  /** Retries after a network error, a 5xx or a 429, within the deadline. @default 2 */
  retries: number;
}

/**
 * An HTTP function: the AppSync Lambda event is POSTed as JSON to a URL (a handler in any
 * language, or a local Lambda emulator), with `x-switchboard-request-id` (the same on retries, so
 * the function can deduplicate). The response body is the Lambda's return value; an empty body is
 * `null`; a body `{ errorType, errorMessage }` (the Lambda runtime's error shape) counts as a
 * thrown error of that type. A retry happens only when no answer was received or the answer was a
 * 5xx or 429, and always before anything is broadcast: the result is applied once.
 */
export class HttpInvoker implements Invoker {
  readonly #url: string;
  readonly #options: HttpInvokerOptions;

  constructor(url: string, options: HttpInvokerOptions) {
    this.#url = url;
    this.#options = options;
  }

  /** Nothing to start: the endpoint may come up after the server, so it is not probed. */
  async start(): Promise<void> {}

  async invoke(call: InvokeCall): Promise<InvokeOutcome> {
    let lastError = 'no attempt was made';
    for (let attempt = 0; attempt <= this.#options.retries; attempt++) {
      if (attempt > 0) {
        const delay = Math.min(100 * 2 ** (attempt - 1), call.deadline - Date.now());
        if (delay <= 0) break;
        await new Promise((r) => setTimeout(r, delay));
      }
      const remaining = call.deadline - Date.now();
      if (remaining <= 0) break;
      let response: Response;
      try {
        response = await fetch(this.#url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-switchboard-request-id': call.requestId, ...traceHeaders(call.traceId) },
          body: JSON.stringify(call.payload),
          signal: AbortSignal.timeout(remaining),
        });
      } catch (err) {
        lastError = (err as Error).name === 'TimeoutError' ? 'timeout' : (err as Error).message;
        if (lastError === 'timeout') break;
        continue;
      }
      const text = await response.text();
      if (response.status >= 500 || response.status === 429) {
        lastError = `HTTP ${response.status}`;
        continue;
      }
      if (response.status >= 400) {
        throw new ProtocolError('HandlerFailedError', `The ${call.operation} function answered HTTP ${response.status}`);
      }
      return parseAnswer(text, call);
    }
    if (lastError === 'timeout' || Date.now() >= call.deadline) {
      throw new ProtocolError('HandlerTimeoutError', `The ${call.operation} function did not answer in time`);
    }
    throw new ProtocolError('HandlerFailedError', `The ${call.operation} function could not be reached (${lastError})`);
  }

  async reload(): Promise<void> {}

  async close(): Promise<void> {}
}

function parseAnswer(text: string, call: InvokeCall): InvokeOutcome {
  if (text.trim() === '') return { status: 'ok', value: null };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProtocolError('InvalidHandlerResponseError', `The ${call.operation} function answered with a body that is not JSON`);
  }
  if (isLambdaError(value)) return { status: 'threw', name: value.errorType, message: value.errorMessage };
  return { status: 'ok', value };
}

function isLambdaError(value: unknown): value is { errorType: string; errorMessage: string } {
  return (
    typeof value === 'object' && value !== null &&
    typeof (value as Record<string, unknown>)['errorType'] === 'string' &&
    typeof (value as Record<string, unknown>)['errorMessage'] === 'string'
  );
}

/**
 * The trace of the call as an HTTP service expects it: `X-Amzn-Trace-Id` (as AWS passes it to
 * HTTP targets) and the same context as a W3C `traceparent`.
 */
function traceHeaders(traceId: string | undefined): Record<string, string> {
  if (traceId === undefined) return {};
  const traceparent = traceparentOfXray(traceId);
  return traceparent === undefined ? { 'x-amzn-trace-id': traceId } : { 'x-amzn-trace-id': traceId, traceparent };
}

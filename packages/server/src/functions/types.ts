/** What an invoker is asked to run. Structured-cloneable: it crosses into worker threads. */
export interface InvokeCall {
  /** `function`: call the module's `handler(event, context)`; `code`: call its `onPublish(ctx)` / `onSubscribe(ctx)`. */
  readonly kind: 'function' | 'code';
  /** What the call is for; `authorizer` (a Lambda authorizer) is always kind `function`. */
  readonly operation: 'onPublish' | 'onSubscribe' | 'authorizer';
  /** The AppSync Lambda event (`function`) or the handler `ctx` (`code`). */
  readonly payload: unknown;
  readonly requestId: string;
  /** Lambda `context.functionName`. */
  readonly functionName: string;
  /** Epoch ms after which the invoker gives up. */
  readonly deadline: number;
  /** Added to every log line the handler writes (namespace, channel, requestId, handler). */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Code handlers in the request/response form (with a data source): `response` runs the
   * export's `response(ctx)`; otherwise `request(ctx)` runs and, unless it returns early, the
   * outcome is `data-source` with the request for the data source.
   */
  readonly step?: 'response';
  /**
   * X-Ray trace header (`Root=...;Parent=...;Sampled=...`) of the request, when tracing passes one:
   * a runtime process receives it as Lambda passes it (`Lambda-Runtime-Trace-Id`, which its
   * runtime puts in `_X_AMZN_TRACE_ID`).
   */
  readonly traceId?: string;
  /** AppSync's name of the request's auth mode (`API_KEY`, ...), for a code handler's `util.authType()`. */
  readonly authMode?: string;
}

/** An error a code handler recorded with `util.appendError` and went on. */
export interface AppendedError {
  readonly message: string;
  readonly type: string | null;
}

/** How an invocation ended. Structured-cloneable. */
export type InvokeOutcome =
  /** `appendedErrors`: what a code handler recorded with `util.appendError`. */
  | { readonly status: 'ok'; readonly value: unknown; readonly appendedErrors?: readonly AppendedError[] }
  /** The handler threw (or a Lambda callback got an error). */
  | { readonly status: 'threw'; readonly name: string; readonly message: string; readonly stack?: string | undefined }
  /** `util.error(message, errorType)`. */
  | { readonly status: 'util-error'; readonly message: string; readonly errorType: string | undefined }
  /** `util.unauthorized()`. */
  | { readonly status: 'unauthorized' }
  /** A code handler's `request(ctx)` returned this request for its data source; `stash` carries over to `response`. */
  | { readonly status: 'data-source'; readonly request: unknown; readonly stash: unknown };

/**
 * Runs function calls somewhere: a worker thread, this thread, a process speaking the AWS Lambda
 * Runtime API, or an HTTP endpoint. Callers (handlers, the Lambda authorizer, data sources) get
 * one from `FunctionService` and only ask it to invoke.
 *
 * Contract (every runtime runs the suite in `contract.ts`):
 * - `start` loads the function and checks that it can run: the module loads and exports what its
 *   callers need, the interpreter exists, the runtime initialises. It rejects with a
 *   `FunctionStartError` whose message names the cause (a syntax error with file:line:col). Calls
 *   made without `start` start the function on demand.
 * - `invoke` resolves with how the function ended (returned, threw, `util.error`, ...), or rejects
 *   with a `ProtocolError`: `HandlerTimeoutError` when `call.deadline` passes first,
 *   `HandlerFailedError` when the function could not run (crash, unreachable URL, worker died,
 *   closed), `InvalidHandlerResponseError` when its answer is not JSON. It never rejects with
 *   anything else, and it never runs one call twice after a function may have seen it, except an
 *   HTTP retry of a request that got no answer. After a crash or a timeout the next call works
 *   (on a fresh worker or process).
 * - A function that blocks or crashes cannot take the server down (for `inline`, a blocking
 *   function does block: that mode trades isolation for speed and is documented so).
 * - `reload` starts the function's code as it is now beside the running one. When it starts,
 *   later calls use it and calls in flight finish on the old code; when it cannot start, `reload`
 *   rejects with a `FunctionStartError` and the old code keeps serving.
 */
export interface Invoker {
  start(): Promise<void>;
  invoke(call: InvokeCall): Promise<InvokeOutcome>;
  reload(): Promise<void>;
  close(): Promise<void>;
}

/** A function cannot start: its module does not load, an export is missing, the interpreter is absent. */
export class FunctionStartError extends Error {
  override readonly name = 'FunctionStartError';
}

import { withCapturedConsole, type LogSink } from './console-capture.js';
import { runWithCallState, type AppendedError } from './utils/call-state.js';
import { SIGNAL } from './utils/signals.js';

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
  /** AppSync's name of the request's auth mode, for `util.authType()`. */
  readonly authMode?: string;
}

/** How an invocation ended. Structured-cloneable. */
export type InvokeOutcome =
  /** `appendedErrors`: what the handler recorded with `util.appendError` (code handlers). */
  | { readonly status: 'ok'; readonly value: unknown; readonly appendedErrors?: readonly AppendedError[] }
  /** The handler threw (or a Lambda callback got an error). */
  | { readonly status: 'threw'; readonly name: string; readonly message: string }
  /** `util.error(message, errorType)`. */
  | { readonly status: 'util-error'; readonly message: string; readonly errorType: string | undefined }
  /** `util.unauthorized()`. */
  | { readonly status: 'unauthorized' }
  /** A code handler's `request(ctx)` returned this request for its data source; `stash` carries over to `response`. */
  | { readonly status: 'data-source'; readonly request: unknown; readonly stash: unknown };

/**
 * Runs one call against a loaded handler module, the same way in a worker and in-process. The
 * result is passed through JSON, as AppSync serializes it, so a handler cannot hand back
 * something that would not survive the wire.
 */
export async function execute(module: Record<string, unknown>, call: InvokeCall, sink: LogSink): Promise<InvokeOutcome> {
  const state = { authMode: call.authMode, appendedErrors: [] as AppendedError[] };
  return withCapturedConsole(call.tags, sink, () => runWithCallState(state, async (): Promise<InvokeOutcome> => {
    try {
      const value = call.kind === 'function' ? await callLambda(module, call) : await callCode(module, call);
      if (value instanceof DataSourceRequest) return { status: 'data-source', request: toJson(value.request), stash: toJson(value.stash) };
      const outcome = { status: 'ok' as const, value: toJson(value) };
      return state.appendedErrors.length > 0 ? { ...outcome, appendedErrors: state.appendedErrors } : outcome;
    } catch (err) {
      return toOutcome(err);
    }
  }));
}

async function callLambda(module: Record<string, unknown>, call: InvokeCall): Promise<unknown> {
  const handler = module['handler'] ?? (module['default'] as Record<string, unknown> | undefined)?.['handler'];
  if (typeof handler !== 'function') throw new TypeError('the module exports no handler(event, context) function');
  const context = lambdaContext(call);
  if (handler.length >= 3) {
    // A callback-style Lambda handler: (event, context, callback).
    return new Promise((resolve, reject) => {
      const result = handler(call.payload, context, (err: unknown, value: unknown) => (err ? reject(err) : resolve(value)));
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(resolve, reject);
    });
  }
  return handler(call.payload, context);
}

let globalsInstalled: Promise<void> | undefined;

async function callCode(module: Record<string, unknown>, call: InvokeCall): Promise<unknown> {
  // `util`, `runtime` and `extensions` as globals, loaded on the first code handler call so that
  // workers running Lambda functions never load the runtime.
  await (globalsInstalled ??= import('./utils/globals.js').then((m) => m.installGlobals()));
  const fn = module[call.operation];
  if (fn === undefined) {
    // AppSync's defaults for a handler the file does not define: forward every event, allow.
    return call.operation === 'onPublish' ? (call.payload as { events?: unknown }).events : undefined;
  }
  try {
    if (typeof fn === 'function') return await fn(call.payload);
    const form = fn as { request?: unknown; response?: unknown } | null;
    if (form === null || typeof form !== 'object' || typeof form.request !== 'function' || typeof form.response !== 'function') {
      throw new TypeError(`${call.operation} must be a function or an object with request(ctx) and response(ctx)`);
    }
    if (call.step === 'response') return await form.response(call.payload);
    const request: unknown = await form.request(call.payload);
    return new DataSourceRequest(request, (call.payload as { stash?: unknown }).stash);
  } catch (err) {
    if (isSignal(err, 'early-return')) return (err as unknown as { value: unknown }).value;
    throw err;
  }
}

function lambdaContext(call: InvokeCall): Record<string, unknown> {
  return {
    functionName: call.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${call.functionName}`,
    memoryLimitInMB: '128',
    awsRequestId: call.requestId,
    logGroupName: `/switchboard/${call.functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, call.deadline - Date.now()),
  };
}

/** What a code handler's `request(ctx)` returned, for the data source. */
class DataSourceRequest {
  constructor(
    readonly request: unknown,
    readonly stash: unknown,
  ) {}
}

function toJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function toOutcome(err: unknown): InvokeOutcome {
  if (isSignal(err, 'error')) {
    const e = err as { message: string; errorType: string | undefined };
    return { status: 'util-error', message: e.message, errorType: e.errorType };
  }
  if (isSignal(err, 'unauthorized')) return { status: 'unauthorized' };
  if (err instanceof Error) return { status: 'threw', name: err.name, message: err.message };
  return { status: 'threw', name: 'Error', message: String(err) };
}

function isSignal(err: unknown, kind: string): boolean {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[SIGNAL] === kind;
}

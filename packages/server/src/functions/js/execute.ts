import type { InvokeCall, InvokeOutcome } from '../types.js';
import { functionArn } from '../lambda-env.js';
import { runWithCallState, type AppendedError } from './call-state.js';
import { withCapturedConsole, type LogSink } from './console-capture.js';
import { withTraceContext } from './trace-context.js';

/**
 * Marks the errors that `@aws-appsync/utils` throws (`util.error`, `util.unauthorized`,
 * `runtime.earlyReturn`). A registry symbol, so the executor recognises them whichever copy of
 * the runtime module threw them, without importing the handlers' runtime.
 */
const SIGNAL = Symbol.for('switchboard.handler.signal');

/** How a module is called, fixed when its runtime is created. */
export interface ModuleSettings {
  /** The export a `function` call runs (AWS handler `file.export`). */
  readonly exportName: string;
  /** Lambda `context.memoryLimitInMB`. */
  readonly memoryMb: number;
}

/**
 * Runs one call against a loaded handler module, the same way in a worker and in-process. The
 * result is passed through JSON, as AppSync serializes it, so a handler cannot hand back
 * something that would not survive the wire.
 */
export async function execute(module: Record<string, unknown>, call: InvokeCall, settings: ModuleSettings, sink: LogSink): Promise<InvokeOutcome> {
  const state = { authMode: call.authMode, appendedErrors: [] as AppendedError[] };
  return withCapturedConsole(call.tags, sink, () => runWithCallState(state, async (): Promise<InvokeOutcome> => {
    try {
      const value = call.kind === 'function' ? await withTraceContext(call, () => callLambda(module, call, settings)) : await callCode(module, call);
      if (value instanceof DataSourceRequest) return { status: 'data-source', request: toJson(value.request), stash: toJson(value.stash) };
      const outcome = { status: 'ok' as const, value: toJson(value) };
      return state.appendedErrors.length > 0 ? { ...outcome, appendedErrors: state.appendedErrors } : outcome;
    } catch (err) {
      return toOutcome(err);
    }
  }));
}

async function callLambda(module: Record<string, unknown>, call: InvokeCall, settings: ModuleSettings): Promise<unknown> {
  const name = settings.exportName;
  const handler = module[name] ?? (module['default'] as Record<string, unknown> | undefined)?.[name];
  if (typeof handler !== 'function') throw new TypeError(`the module exports no ${name}(event, context) function`);
  const context = lambdaContext(call, settings);
  if (handler.length >= 3) {
    // A callback-style Lambda handler: (event, context, callback).
    return new Promise((resolve, reject) => {
      const result = handler(call.payload, context, (err: unknown, value: unknown) => (err ? reject(err) : resolve(value)));
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(resolve, reject);
    });
  }
  return handler(call.payload, context);
}

let globalsLoaded: Promise<unknown> | undefined;

async function callCode(module: Record<string, unknown>, call: InvokeCall): Promise<unknown> {
  // The APPSYNC_JS runtime has `util`, `runtime` and `extensions` as globals. The handlers' module
  // hook maps this specifier to Switchboard's runtime, which defines them when it loads; loading
  // it on the first code call keeps workers that run Lambda functions from ever loading it.
  await (globalsLoaded ??= import('@aws-appsync/utils').catch(() => undefined));
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

function lambdaContext(call: InvokeCall, settings: ModuleSettings): Record<string, unknown> {
  return {
    functionName: call.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(call.functionName),
    memoryLimitInMB: String(settings.memoryMb),
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
  if (err instanceof Error) return { status: 'threw', name: err.name, message: err.message, stack: err.stack };
  return { status: 'threw', name: 'Error', message: String(err) };
}

function isSignal(err: unknown, kind: string): boolean {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[SIGNAL] === kind;
}

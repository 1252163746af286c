import { isMainThread } from 'node:worker_threads';
import type { InvokeCall } from '../types.js';

/** The store AWS's Node.js runtime keeps per invocation (`globalThis.awslambda.InvokeStore`). */
interface InvokeStore {
  run<T>(context: Record<symbol, unknown>, fn: () => T): T;
}

interface StoreModule {
  InvokeStore: { getInstanceAsync(multi?: boolean): Promise<InvokeStore> };
  InvokeStoreBase: { PROTECTED_KEYS: { REQUEST_ID: symbol; X_RAY_TRACE_ID: symbol } };
}

let loading: Promise<{ store: InvokeStore; keys: StoreModule['InvokeStoreBase']['PROTECTED_KEYS'] }> | undefined;

/**
 * Runs a function call with its trace context where a Lambda function looks for it, so the
 * function's own spans (OpenTelemetry's X-Ray propagator, Powertools' tracer, the AWS SDK) join
 * the request's trace: `_X_AMZN_TRACE_ID` in the environment (in a worker thread, whose
 * environment is its own; never in the server's thread), and AWS's invoke store
 * (`@aws/lambda-invoke-store`, which Lambda's runtime uses when one environment runs several
 * invocations at once, and which Powertools reads first). The store is loaded on the first call
 * that carries a trace.
 */
export async function withTraceContext<T>(call: InvokeCall, fn: () => Promise<T>): Promise<T> {
  if (!isMainThread) {
    if (call.traceId === undefined) delete process.env['_X_AMZN_TRACE_ID'];
    else process.env['_X_AMZN_TRACE_ID'] = call.traceId;
  }
  if (call.traceId === undefined) return fn();
  loading ??= import('@aws/lambda-invoke-store').then(async (m: unknown) => {
    const module = m as StoreModule;
    return { store: await module.InvokeStore.getInstanceAsync(true), keys: module.InvokeStoreBase.PROTECTED_KEYS };
  });
  const { store, keys } = await loading;
  return store.run({ [keys.REQUEST_ID]: call.requestId, [keys.X_RAY_TRACE_ID]: call.traceId }, fn);
}

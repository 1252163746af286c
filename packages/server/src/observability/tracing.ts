import type { TracingConfig } from '../config/schema.js';

/** Span attribute values, as OpenTelemetry takes them. */
export type SpanAttributes = Readonly<Record<string, string | number | boolean | undefined>>;

/** How a span relates to the world outside the server. */
export interface SpanOptions {
  /** `server` for a client's request, `producer` for a broker publish, `client` for a call out. @default 'internal' */
  readonly kind?: 'server' | 'client' | 'producer' | 'internal';
  /** A W3C `traceparent` to continue instead of the active span (`POST /event`'s header). */
  readonly traceparent?: string | undefined;
}

/** The span a traced step runs in: it may add attributes and record how it ended. */
export interface SpanScope {
  setAttributes(attributes: SpanAttributes): void;
  /** Marks the span as failed, with the error's type and message (never a credential). */
  fail(errorType: string, message: string): void;
}

/**
 * The server's view of tracing (implemented on the OpenTelemetry SDK in `otel-tracer.ts`, which
 * loads only when tracing is configured).
 *
 * Contract: `inSpan` starts a span as a child of the span active in the caller's async context,
 * or of the W3C `traceparent` given, makes it active while `fn` runs (so spans started inside
 * it, across awaits, are its children), ends it when `fn` settles, and marks it failed when `fn`
 * rejects (with a `ProtocolError`'s type and message). It never changes what `fn` returns or
 * throws.
 */
export interface RequestTracer {
  inSpan<T>(name: string, attributes: SpanAttributes, fn: (span: SpanScope) => Promise<T>, options?: SpanOptions): Promise<T>;
  /**
   * The active span as an AWS X-Ray trace header (`Root=1-…;Parent=…;Sampled=…`), the form Lambda
   * hands a function (`_X_AMZN_TRACE_ID`, `Lambda-Runtime-Trace-Id`); `undefined` outside a span.
   */
  xrayHeader(): string | undefined;
  /** The active span as a W3C `traceparent`; `undefined` outside a span. */
  traceparent(): string | undefined;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing as `config` says: loads the OpenTelemetry SDK (optional dependencies, imported
 * only here) and registers it.
 *
 * @throws Error naming `tracing` when the OpenTelemetry packages are not installed.
 */
export async function startTracing(config: TracingConfig, version: string): Promise<RequestTracer> {
  let module: typeof import('./otel-tracer.js');
  try {
    module = await import('./otel-tracer.js');
  } catch (err) {
    throw new Error(`tracing is configured but the OpenTelemetry packages cannot be loaded (${(err as Error).message}); install @switchboard/server's optional dependencies`, { cause: err });
  }
  return new module.OtelTracer(config, version);
}

/**
 * The X-Ray form of a W3C trace context: the 32 hex digits of the trace id become
 * `1-<first 8>-<other 24>` (X-Ray's epoch-prefixed id, which OpenTelemetry's X-Ray propagator maps
 * the same way).
 */
export function xrayHeaderOf(traceId: string, spanId: string, sampled: boolean): string {
  return `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${spanId};Sampled=${sampled ? 1 : 0}`;
}

/** The W3C `traceparent` of an X-Ray trace header made by `xrayHeaderOf`; `undefined` for another form. */
export function traceparentOfXray(header: string): string | undefined {
  const match = /^Root=1-([0-9a-f]{8})-([0-9a-f]{24});Parent=([0-9a-f]{16});Sampled=([01])$/.exec(header);
  return match === null ? undefined : `00-${match[1]}${match[2]}-${match[3]}-0${match[4]}`;
}

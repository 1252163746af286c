import type { ServerMetrics } from './server-metrics.js';
import type { RequestTracer, SpanAttributes, SpanOptions, SpanScope } from './tracing.js';

/**
 * What the request path reports to: the metrics, and the tracer when tracing is configured.
 * `tracer` is set by `Switchboard.listen` (the OpenTelemetry SDK loads asynchronously) and stays
 * `undefined` when tracing is off: then nothing on the request path creates a span or reads a
 * trace context.
 */
export interface Telemetry {
  readonly metrics: ServerMetrics;
  tracer: RequestTracer | undefined;
}

/**
 * Runs `fn` in a span named `name` when tracing is on, as a child of the active span (or of
 * `options.traceparent`); runs it directly, with no span, when tracing is off. Build `attributes`
 * lazily where they cost anything: they are only read when tracing is on.
 */
export function inSpan<T>(telemetry: Telemetry, name: string, attributes: () => SpanAttributes, fn: (span: SpanScope | undefined) => Promise<T>, options?: SpanOptions): Promise<T> {
  const tracer = telemetry.tracer;
  return tracer === undefined ? fn(undefined) : tracer.inSpan(name, attributes(), fn, options);
}

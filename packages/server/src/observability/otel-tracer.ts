import { context, defaultTextMapGetter, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { isProtocolError } from '@switchboard/protocol';
import type { TracingConfig } from '../config/schema.js';
import { xrayHeaderOf, type RequestTracer, type SpanAttributes, type SpanOptions, type SpanScope } from './tracing.js';

const KINDS = { server: SpanKind.SERVER, client: SpanKind.CLIENT, producer: SpanKind.PRODUCER, internal: SpanKind.INTERNAL } as const;

/**
 * `RequestTracer` on the OpenTelemetry Node SDK: a `NodeTracerProvider` (registered, so its
 * AsyncLocalStorage context manager carries the active span across awaits, and other OpenTelemetry
 * instrumentation in the process joins the same traces), a parent-based ratio sampler, and a batch
 * processor exporting over OTLP/HTTP (JSON). Loaded only when `tracing` is configured.
 */
export class OtelTracer implements RequestTracer {
  readonly #provider: NodeTracerProvider;
  readonly #tracer: Tracer;
  readonly #propagator = new W3CTraceContextPropagator();

  constructor(config: TracingConfig, version: string) {
    this.#provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': config.serviceName, 'service.version': version }),
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.endpoint, headers: { ...config.headers } }))],
    });
    this.#provider.register();
    this.#tracer = this.#provider.getTracer('switchboard', version);
  }

  inSpan<T>(name: string, attributes: SpanAttributes, fn: (span: SpanScope) => Promise<T>, options: SpanOptions = {}): Promise<T> {
    const parent = options.traceparent === undefined ? context.active() : this.#propagator.extract(context.active(), { traceparent: options.traceparent }, defaultTextMapGetter);
    return this.#tracer.startActiveSpan(name, { kind: KINDS[options.kind ?? 'internal'], attributes: defined(attributes) }, parent, async (span) => {
      const scope = new Scope(span);
      try {
        return await fn(scope);
      } catch (err) {
        if (!scope.failed) {
          if (isProtocolError(err)) scope.fail(err.errorType, err.message);
          else scope.fail(err instanceof Error ? err.name : 'Error', err instanceof Error ? err.message : String(err));
        }
        throw err;
      } finally {
        span.end();
      }
    });
  }

  xrayHeader(): string | undefined {
    const span = trace.getActiveSpan()?.spanContext();
    return span === undefined ? undefined : xrayHeaderOf(span.traceId, span.spanId, (span.traceFlags & 1) === 1);
  }

  traceparent(): string | undefined {
    const carrier: Record<string, string> = {};
    this.#propagator.inject(context.active(), carrier, { set: (c, k, v) => void (c[k] = v) });
    return carrier['traceparent'];
  }

  shutdown(): Promise<void> {
    return this.#provider.shutdown();
  }
}

class Scope implements SpanScope {
  failed = false;

  constructor(readonly span: Span) {}

  setAttributes(attributes: SpanAttributes): void {
    this.span.setAttributes(defined(attributes));
  }

  fail(errorType: string, message: string): void {
    this.failed = true;
    this.span.setAttribute('error.type', errorType);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: `${errorType}: ${message}` });
  }
}

function defined(attributes: SpanAttributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}

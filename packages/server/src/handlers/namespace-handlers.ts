import { isProtocolError, ProtocolError } from '@switchboard/protocol';
import type { DataSource, DataSourceAnswer, DataSourceCall } from '../datasources/types.js';
import type { Logger } from '../log/logger.js';
import type { Telemetry } from '../observability/telemetry.js';
import type { SpanScope } from '../observability/tracing.js';
import { codeContext, lambdaEvent, type HandlerInput } from './context.js';
import type { InvokeCall, InvokeOutcome, Invoker } from '../functions/types.js';
import { checkFunctionSubscribe, decidePublish, functionPublishEvents, unwrap, type PublishDecision } from './outcome.js';

/** One configured handler of one operation. */
export interface HandlerSpec {
  /** `code`: an APPSYNC_JS-style `onPublish(ctx)`/`onSubscribe(ctx)`; `function`: a Lambda `handler(event, context)`. */
  readonly kind: 'code' | 'function';
  readonly invoker: Invoker;
  /** `EVENT` (functions only): fire and forget; the events go out unchanged. */
  readonly invokeType: 'REQUEST_RESPONSE' | 'EVENT';
  readonly timeoutMs: number;
  /** Lambda `context.functionName`, and the `handler` tag in logs. */
  readonly name: string;
  /** Code handlers: the data source their `request(ctx)` / `response(ctx)` form calls. */
  readonly dataSource?: DataSource | undefined;
}

/** Counts of fire-and-forget (`EVENT`) invocations, for logs and metrics. */
export interface EventInvocationStats {
  started: number;
  failed: number;
  /** Not started because `maxEventBacklog` invocations were already running. */
  skipped: number;
}

/** How many `EVENT` invocations may run at once per namespace before new ones are skipped (and logged). */
export const MAX_EVENT_BACKLOG = 1000;

/**
 * The handlers of one namespace, applied the way AppSync applies them: `onPublish` decides what
 * is broadcast and what fails, `onSubscribe` allows or refuses. Every error a client must see is
 * a `ProtocolError` (see `outcome.ts` for the mapping).
 */
export class NamespaceHandlers {
  readonly stats: EventInvocationStats = { started: 0, failed: 0, skipped: 0 };
  #running = 0;

  constructor(
    readonly namespace: string,
    readonly onPublishSpec: HandlerSpec | undefined,
    readonly onSubscribeSpec: HandlerSpec | undefined,
    private readonly log: Logger,
    private readonly eventBytes: number,
    /** Where invocations and data source calls are measured; none in unit tests that build handlers alone. */
    private readonly telemetry?: Telemetry,
  ) {}

  /** True when publishes must wait for the handler's decision. */
  get decidesPublish(): boolean {
    return this.onPublishSpec !== undefined && this.onPublishSpec.invokeType === 'REQUEST_RESPONSE';
  }

  /** Runs a REQUEST_RESPONSE onPublish. */
  async onPublish(input: HandlerInput): Promise<PublishDecision> {
    const spec = this.onPublishSpec!;
    const value = unwrap(await this.#invoke(spec, 'onPublish', input), 'onPublish', input.requestId);
    const returned = spec.kind === 'function' ? functionPublishEvents(value) : value;
    return decidePublish(returned, input.events ?? [], this.eventBytes);
  }

  /**
   * Starts an `EVENT` onPublish after the events were broadcast. Never throws and never delays
   * the publisher; a failure is logged and counted.
   */
  fireAndForget(input: HandlerInput): void {
    const spec = this.onPublishSpec;
    if (spec === undefined || spec.invokeType !== 'EVENT') return;
    if (this.#running >= MAX_EVENT_BACKLOG) {
      this.stats.skipped++;
      this.log.warn('EVENT handler backlog full: invocation skipped', { namespace: this.namespace, requestId: input.requestId, running: this.#running });
      return;
    }
    this.#running++;
    this.stats.started++;
    this.#invoke(spec, 'onPublish', input)
      .then((outcome) => {
        const value = unwrap(outcome, 'onPublish', input.requestId);
        if (value !== null && typeof value === 'object' && 'error' in value && (value as { error: unknown }).error != null) {
          throw new Error(String((value as { error: unknown }).error));
        }
      })
      .catch((err: unknown) => {
        this.stats.failed++;
        this.log.error('EVENT onPublish handler failed', { namespace: this.namespace, channel: input.channel.path, requestId: input.requestId, err: describe(err) });
      })
      .finally(() => void this.#running--);
  }

  /** Runs onSubscribe, if any; resolves to allow, throws a `ProtocolError` to refuse. */
  async onSubscribe(input: HandlerInput): Promise<void> {
    const spec = this.onSubscribeSpec;
    if (spec === undefined) return;
    const value = unwrap(await this.#invoke(spec, 'onSubscribe', input), 'onSubscribe', input.requestId);
    if (spec.kind === 'function') checkFunctionSubscribe(value);
  }

  #invoke(spec: HandlerSpec, operation: 'onPublish' | 'onSubscribe', input: HandlerInput): Promise<InvokeOutcome> {
    const tracer = this.telemetry?.tracer;
    if (tracer === undefined) return this.#measured(spec, operation, input, undefined);
    const attributes = { 'switchboard.namespace': this.namespace, 'switchboard.handler': spec.name, 'switchboard.request_id': input.requestId };
    // The function gets the handler span as its parent, the way Lambda passes a trace (X-Ray header).
    return tracer.inSpan(`handler ${operation}`, attributes, (span) => this.#measured(spec, operation, input, tracer.xrayHeader(), span));
  }

  async #measured(spec: HandlerSpec, operation: 'onPublish' | 'onSubscribe', input: HandlerInput, traceId: string | undefined, span?: SpanScope): Promise<InvokeOutcome> {
    const call = this.#call(spec, operation, input, traceId);
    const outcome = await measured(
      async () => {
        const first = await this.#send(spec.invoker, call);
        return first.status === 'data-source' ? this.#viaDataSource(spec, call, first) : first;
      },
      outcomeLabel,
      (result, seconds) => {
        this.telemetry?.metrics.handlerSeconds.observe({ namespace: this.namespace, operation, outcome: result }, seconds);
        this.log.debug('handler', { ...call.tags, outcome: result, ms: round(seconds * 1000) });
      },
    );
    const result = outcomeLabel(outcome);
    span?.setAttributes({ 'switchboard.outcome': result });
    if (result !== 'ok') span?.fail(outcome.status === 'threw' ? outcome.name : result, 'message' in outcome ? outcome.message : result);
    // ALL: what the handler got and gave; the events, never the request's headers (credentials).
    if (this.log.enabled('trace')) this.log.trace('handler payload', { ...call.tags, events: input.events, outcome });
    return outcome;
  }

  /**
   * The request/response form (AppSync's code handler with a data source): `request(ctx)` gave
   * the data source's request; the data source runs it (on this thread, within its `timeoutMs`
   * and the handler's deadline); then `response(ctx)` runs with `ctx.result` / `ctx.error` and
   * the stash of `request`. A data source error that `response` neither raised (`util.error`)
   * nor acknowledged (`util.appendError`) fails the operation with `DataSourceError`, so an event
   * is never broadcast as if it had been saved when saving it failed.
   */
  async #viaDataSource(spec: HandlerSpec, call: InvokeCall, step: Extract<InvokeOutcome, { status: 'data-source' }>): Promise<InvokeOutcome> {
    const source = spec.dataSource;
    if (source === undefined) {
      const message = `the ${call.operation} export uses the request/response form but the namespace's ${call.operation} names no dataSource`;
      this.log.error('handler threw', { ...call.tags, error: { name: 'DataSourceError', message } });
      return { status: 'threw', name: 'DataSourceError', message };
    }
    const operation = call.operation === 'onSubscribe' ? 'onSubscribe' : 'onPublish';
    const deadline = Math.min(call.deadline, Date.now() + source.timeoutMs);
    const answer = await this.#callDataSource(source, step.request, { operation, requestId: call.requestId, deadline, tags: call.tags });
    const ctx = { ...(call.payload as Record<string, unknown>), stash: step.stash, result: answer.result ?? null, error: answer.error ?? null };
    const outcome = await this.#send(spec.invoker, { ...call, step: 'response', payload: ctx });
    if (answer.error !== undefined && outcome.status === 'ok' && (outcome.appendedErrors?.length ?? 0) === 0) {
      this.log.error('data source error not handled by response(ctx)', { ...call.tags, dataSource: source.name, errorType: answer.error.type });
      throw new ProtocolError(
        'DataSourceError',
        `The ${call.operation} data source ${source.name} failed (${answer.error.type}); see the server log for request ${call.requestId}`,
      );
    }
    return outcome;
  }

  /** One data source call, measured, logged and traced: the single place every data source call passes. */
  #callDataSource(source: DataSource, request: unknown, call: DataSourceCall): Promise<DataSourceAnswer> {
    const tracer = this.telemetry?.tracer;
    if (tracer === undefined) return this.#measuredDataSource(source, request, call);
    const attributes = { 'switchboard.namespace': this.namespace, 'switchboard.data_source': source.name, 'switchboard.data_source.type': source.type, 'switchboard.request_id': call.requestId };
    return tracer.inSpan('data source', attributes, (span) => this.#measuredDataSource(source, request, withTrace(call, tracer.xrayHeader()), span), { kind: 'client' });
  }

  async #measuredDataSource(source: DataSource, request: unknown, call: DataSourceCall, span?: SpanScope): Promise<DataSourceAnswer> {
    const answer = await measured(
      () => source.invoke(request, call),
      (a) => (a.error === undefined ? 'ok' : a.error.type.endsWith(':TimeoutError') ? 'timeout' : 'error'),
      (result, seconds) => {
        this.telemetry?.metrics.dataSourceSeconds.observe({ namespace: this.namespace, dataSource: source.name, outcome: result }, seconds);
        this.log.debug('data source', { ...call.tags, dataSource: source.name, outcome: result, ms: round(seconds * 1000) });
      },
    );
    if (answer.error !== undefined) span?.fail(answer.error.type, answer.error.message);
    return answer;
  }

  /** Invokes and logs what the client will not see in detail: a throw, a crash, a timeout. */
  async #send(invoker: Invoker, call: InvokeCall): Promise<InvokeOutcome> {
    try {
      const outcome = await invoker.invoke(call);
      if (outcome.status === 'threw' && outcome.name !== 'UnauthorizedException') {
        this.log.error('handler threw', { ...call.tags, error: { name: outcome.name, message: outcome.message, stack: outcome.stack } });
      }
      return outcome;
    } catch (err) {
      this.log.error('handler failed', { ...call.tags, err: describe(err) });
      throw err;
    }
  }

  #call(spec: HandlerSpec, operation: 'onPublish' | 'onSubscribe', input: HandlerInput, traceId: string | undefined): InvokeCall {
    return withTrace<InvokeCall>({
      kind: spec.kind,
      operation,
      payload: spec.kind === 'function' ? lambdaEvent(input) : codeContext(input),
      requestId: input.requestId,
      functionName: spec.name,
      deadline: Date.now() + spec.timeoutMs,
      ...(input.authMode !== undefined && { authMode: input.authMode }),
      tags: { namespace: this.namespace, channel: input.channel.path, requestId: input.requestId, handler: `${spec.name}:${operation}` },
    }, traceId);
  }
}

/** `call` carrying the X-Ray trace header the function receives, when tracing gives one. */
function withTrace<C extends { readonly traceId?: string }>(call: C, traceId: string | undefined): C {
  return traceId === undefined ? call : { ...call, traceId };
}

/** Runs a call and reports how it ended (`label`, or `failureLabel` when it rejected) and how long it took. */
async function measured<T>(work: () => Promise<T>, label: (value: T) => string, report: (outcome: string, seconds: number) => void): Promise<T> {
  const started = performance.now();
  let result = 'failed';
  try {
    const outcome = await work();
    result = label(outcome);
    return outcome;
  } catch (err) {
    result = failureLabel(err);
    throw err;
  } finally {
    report(result, (performance.now() - started) / 1000);
  }
}

/** The `outcome` label of an invocation that ended: ok, error (threw or util.error), unauthorized. */
function outcomeLabel(outcome: InvokeOutcome): string {
  switch (outcome.status) {
    case 'ok':
      return 'ok';
    case 'unauthorized':
      return 'unauthorized';
    default:
      return 'error';
  }
}

/** The `outcome` label of an invocation that did not end: timeout, or failed (crash, unreachable, bad answer). */
function failureLabel(err: unknown): string {
  return isProtocolError(err) && err.errorType === 'HandlerTimeoutError' ? 'timeout' : 'failed';
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function describe(err: unknown): unknown {
  if (err instanceof Error) return { name: err.name, message: err.message, cause: err.cause };
  return err;
}

import { randomUUID } from 'node:crypto';
import { ProtocolError, type PublishResult } from '@switchboard/protocol';
import type { BrokerEvent } from '../broker/types.js';
import type { HandlerInput } from '../handlers/context.js';
import type { Core } from './core.js';
import { validateEvents } from './events.js';
import { authorizeOperation, type OperationRequest } from './operation.js';
import { inSpan } from '../observability/telemetry.js';
import type { SpanAttributes, SpanScope } from '../observability/tracing.js';

export interface PublishRequest extends OperationRequest {
  /** JSON-encoded event strings. */
  readonly events: readonly string[];
  /** Which endpoint received it, for metrics and logs. @default 'http' */
  readonly transport?: 'ws' | 'http';
  /** When it arrived (`performance.now()`), for the publish latency metrics. @default when `publish` is called */
  readonly receivedAt?: number;
}

/**
 * Publishes a batch, the same way for WebSocket and HTTP: channel syntax, namespace, auth
 * (publish modes), events, the namespace's onPublish handler, then the broker. Every event gets an
 * identifier (the `id` handlers see), reported back in `successful` or `failed`; events a handler
 * drops are in neither (D9).
 *
 * @throws ProtocolError for anything the client must hear about.
 */
export function publish(core: Core, request: PublishRequest): Promise<PublishResult> {
  const receivedAt = request.receivedAt ?? performance.now();
  const attributes = (): SpanAttributes => ({
    'switchboard.request_id': request.requestId,
    'switchboard.transport': request.transport ?? 'http',
    'switchboard.channel': typeof request.channel === 'string' ? request.channel : undefined,
    'switchboard.events': request.events.length,
  });
  return inSpan(core.telemetry, 'publish', attributes, (span) => run(core, request, receivedAt, span), { kind: 'server', traceparent: request.traceparent });
}

async function run(core: Core, request: PublishRequest, receivedAt: number, span: SpanScope | undefined): Promise<PublishResult> {
  const broadcast = (channel: string, events: BrokerEvent[]): Promise<void> => toBroker(core, channel, events, request, receivedAt);
  const { channel, namespace, grant } = await authorizeOperation(core, 'EVENT_PUBLISH', request);
  span?.setAttributes({ 'switchboard.namespace': namespace.name, 'switchboard.auth.mode': grant.mode });
  const payloads = validateEvents(request.events, core.limits);
  const events: BrokerEvent[] = request.events.map((payload) => ({ id: randomUUID(), payload }));
  const handlers = core.handlers.get(namespace.name);
  if (handlers === undefined) {
    await broadcast(channel.path, events);
    return { successful: events.map((e, index) => ({ identifier: e.id, index })), failed: [] };
  }
  const input: HandlerInput = {
    operation: 'PUBLISH',
    channel,
    identity: grant.identity,
    headers: request.headers,
    requestId: request.requestId,
    events: events.map((e, i) => ({ id: e.id, payload: payloads[i] })),
  };
  if (!handlers.decidesPublish) {
    await broadcast(channel.path, events);
    handlers.fireAndForget(input);
    return { successful: events.map((e, index) => ({ identifier: e.id, index })), failed: [] };
  }
  const decision = await handlers.onPublish(input);
  if (decision.broadcast.length > 0) await broadcast(channel.path, decision.broadcast);
  span?.setAttributes({ 'switchboard.successful': decision.successful.length, 'switchboard.failed': decision.failed.length });
  return { successful: decision.successful, failed: decision.failed };
}

async function toBroker(core: Core, channel: string, events: BrokerEvent[], request: PublishRequest, receivedAt: number): Promise<void> {
  const { metrics } = core;
  const handedAt = performance.now();
  metrics.publishSeconds.observe({ transport: request.transport ?? 'http' }, (handedAt - receivedAt) / 1000);
  const broker = core.config.broker.type;
  try {
    const message = { channel, events, publishedAt: performance.timeOrigin + receivedAt };
    await inSpan(core.telemetry, 'broker publish', () => ({ 'messaging.system': broker, 'messaging.destination.name': channel, 'switchboard.events': events.length }), () => core.fanout.publish(message), { kind: 'producer' });
    metrics.brokerPublishSeconds.observe({ broker, result: 'ok' }, (performance.now() - handedAt) / 1000);
    metrics.eventsPublished.inc(undefined, events.length);
  } catch (err) {
    metrics.brokerPublishSeconds.observe({ broker, result: 'error' }, (performance.now() - handedAt) / 1000);
    core.log.error('broker publish failed', { requestId: request.requestId, channel, err });
    throw new ProtocolError('ServiceUnavailableException', 'The broker is unavailable; the events were not delivered. Retry later.', { cause: err });
  }
}

import { randomUUID } from 'node:crypto';
import { ProtocolError, type Channel, type PublishResult } from '@switchboard/protocol';
import type { AuthGrant } from '../auth/types.js';
import type { BrokerEvent } from '../broker/types.js';
import { withRefusals } from '../destinations/forwarder.js';
import type { HandlerInput } from '../handlers/context.js';
import type { PublishDecision } from '../handlers/outcome.js';
import { inSpan } from '../observability/telemetry.js';
import type { SpanAttributes, SpanScope } from '../observability/tracing.js';
import type { Core } from './core.js';
import { eventTooLarge, validateEvents } from './events.js';
import { authorizeOperation, type OperationRequest } from './operation.js';

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
 * (publish modes), events, the namespace's onPublish handler, `required` destinations, the
 * broker, then `async` destinations. Every event gets an identifier (the `id` handlers see),
 * reported back in `successful` or `failed` (an event over `eventBytes` fails alone, as on AWS);
 * events a handler drops are in neither (D9) and are not forwarded.
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
  const { channel, namespace, grant } = await authorizeOperation(core, 'EVENT_PUBLISH', request);
  span?.setAttributes({ 'switchboard.namespace': namespace.name, 'switchboard.auth.mode': grant.mode });
  const handlers = core.handlers.get(namespace.name);
  const decides = handlers?.decidesPublish === true;
  // A deciding handler may shrink an event: the size limit applies to its output (AWS: "Transformed event").
  const { payloads, tooLarge } = validateEvents(request.events, core.limits, !decides);
  const events: BrokerEvent[] = request.events.map((payload) => ({ id: randomUUID(), payload }));
  const checked = (): PublishDecision => unchanged(events, tooLarge, core.limits.eventBytes);
  const publishing: Publishing = { core, request, receivedAt, channel, grant };
  if (handlers === undefined) return deliver(publishing, checked());
  const input: HandlerInput = {
    operation: 'PUBLISH',
    channel,
    identity: grant.identity,
    headers: request.headers,
    requestId: request.requestId,
    events: events.flatMap((e, i) => (tooLarge.includes(i) ? [] : [{ id: e.id, payload: payloads[i] }])),
    authMode: grant.mode,
  };
  if (!decides) {
    const result = await deliver(publishing, checked());
    if (result.successful.length > 0) handlers.fireAndForget(input);
    return result;
  }
  const result = await deliver(publishing, await handlers.onPublish(input));
  span?.setAttributes({ 'switchboard.successful': result.successful.length, 'switchboard.failed': result.failed.length });
  return result;
}

/** One publish past auth, as its last steps need it. */
interface Publishing {
  readonly core: Core;
  readonly request: PublishRequest;
  readonly receivedAt: number;
  readonly channel: Channel;
  readonly grant: AuthGrant;
}

/**
 * The end of every publish: what the handler let through goes to the namespace's `required`
 * destinations, then what they confirmed is broadcast, then queued for its `async` ones
 * (`destinations/forwarder.ts`). Events forwarding refused move from `successful` to `failed`.
 */
async function deliver(publishing: Publishing, decision: PublishDecision): Promise<PublishResult> {
  const { core, channel, grant } = publishing;
  if (!core.forwarder.forwards(channel.namespace)) {
    if (decision.broadcast.length > 0) await broadcast(publishing, decision.broadcast);
    return { successful: decision.successful, failed: decision.failed };
  }
  const plan = await core.forwarder.prepare({ channel, grant }, decision.broadcast);
  if (plan.broadcast.length > 0) {
    try {
      await broadcast(publishing, plan.broadcast);
    } catch (err) {
      plan.abort();
      throw err;
    }
  }
  plan.commit();
  return withRefusals(decision, plan.refused);
}

/** The events as published, but those over `eventBytes` (`tooLarge` indexes), which fail alone. */
function unchanged(events: BrokerEvent[], tooLarge: readonly number[], eventBytes: number): PublishDecision {
  if (tooLarge.length === 0) return { broadcast: events, successful: events.map((e, index) => ({ identifier: e.id, index })), failed: [] };
  const decision: PublishDecision = { broadcast: [], successful: [], failed: [] };
  events.forEach((e, index) => {
    if (tooLarge.includes(index)) decision.failed.push(eventTooLarge(e.id, index, eventBytes));
    else {
      decision.broadcast.push(e);
      decision.successful.push({ identifier: e.id, index });
    }
  });
  return decision;
}

/** Hands the events to the broker: the publish latency ends here, the broker round trip is measured and traced. */
async function broadcast({ core, request, receivedAt, channel }: Publishing, events: readonly BrokerEvent[]): Promise<void> {
  const { metrics } = core;
  const handedAt = performance.now();
  metrics.publishSeconds.observe({ transport: request.transport ?? 'http' }, (handedAt - receivedAt) / 1000);
  const broker = core.config.broker.type;
  const message = { channel: channel.path, events, publishedAt: performance.timeOrigin + receivedAt };
  try {
    const attributes = (): SpanAttributes => ({ 'messaging.system': broker, 'messaging.destination.name': channel.path, 'switchboard.events': events.length });
    const history = core.history?.has(channel.namespace) ? core.history : undefined;
    const send = (): Promise<void> => (history !== undefined ? history.publish(channel.namespace, message) : core.fanout.publish(message));
    await inSpan(core.telemetry, 'broker publish', attributes, send, { kind: 'producer' });
    metrics.brokerPublishSeconds.observe({ broker, result: 'ok' }, (performance.now() - handedAt) / 1000);
    metrics.eventsPublished.inc(undefined, events.length);
  } catch (err) {
    metrics.brokerPublishSeconds.observe({ broker, result: 'error' }, (performance.now() - handedAt) / 1000);
    core.log.error('broker publish failed', { requestId: request.requestId, channel: channel.path, err });
    throw new ProtocolError('ServiceUnavailableException', 'The broker is unavailable; the events were not delivered. Retry later.', { cause: err });
  }
}

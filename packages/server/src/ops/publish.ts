import { randomUUID } from 'node:crypto';
import { ProtocolError, type Channel, type PublishResult } from '@switchboard/protocol';
import type { AuthGrant } from '../auth/types.js';
import type { BrokerEvent } from '../broker/types.js';
import { withRefusals } from '../destinations/forwarder.js';
import type { HandlerInput } from '../handlers/context.js';
import type { PublishDecision } from '../handlers/outcome.js';
import type { Core } from './core.js';
import { eventTooLarge, validateEvents } from './events.js';
import { authorizeOperation, type OperationRequest } from './operation.js';
import { namespaceOf } from './subscribe.js';

export interface PublishRequest extends OperationRequest {
  /** JSON-encoded event strings. */
  readonly events: readonly string[];
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
export async function publish(core: Core, request: PublishRequest): Promise<PublishResult> {
  const { channel, namespace, grant } = await authorizeOperation(core, 'EVENT_PUBLISH', request);
  const handlers = core.handlers.get(namespace.name);
  const decides = handlers?.decidesPublish === true;
  // A deciding handler may shrink an event: the size limit applies to its output (AWS: "Transformed event").
  const { payloads, tooLarge } = validateEvents(request.events, core.limits, !decides);
  const events: BrokerEvent[] = request.events.map((payload) => ({ id: randomUUID(), payload }));
  const checked = (): PublishDecision => unchanged(events, tooLarge, core.limits.eventBytes);
  if (handlers === undefined) return deliver(core, request.requestId, channel, grant, checked());
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
    const result = await deliver(core, request.requestId, channel, grant, checked());
    if (result.successful.length > 0) handlers.fireAndForget(input);
    return result;
  }
  return deliver(core, request.requestId, channel, grant, await handlers.onPublish(input));
}

/**
 * The end of every publish: what the handler let through goes to the namespace's `required`
 * destinations, then what they confirmed is broadcast, then queued for its `async` ones
 * (`destinations/forwarder.ts`). Events forwarding refused move from `successful` to `failed`.
 */
async function deliver(core: Core, requestId: string, channel: Channel, grant: AuthGrant, decision: PublishDecision): Promise<PublishResult> {
  if (!core.forwarder.forwards(channel.namespace)) {
    if (decision.broadcast.length > 0) await broadcast(core, channel.path, decision.broadcast, requestId);
    return { successful: decision.successful, failed: decision.failed };
  }
  const plan = await core.forwarder.prepare({ channel, grant }, decision.broadcast);
  if (plan.broadcast.length > 0) {
    try {
      await broadcast(core, channel.path, plan.broadcast, requestId);
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

async function broadcast(core: Core, channel: string, events: readonly BrokerEvent[], requestId: string): Promise<void> {
  try {
    const namespace = namespaceOf(channel);
    if (core.history?.has(namespace)) await core.history.publish(namespace, { channel, events });
    else await core.fanout.publish({ channel, events });
    core.metrics.eventsPublished.inc(undefined, events.length);
  } catch (err) {
    core.log.error('broker publish failed', { requestId, channel, err });
    throw new ProtocolError('ServiceUnavailableException', 'The broker is unavailable; the events were not delivered. Retry later.', { cause: err });
  }
}

import { randomUUID } from 'node:crypto';
import { ProtocolError, type PublishResult } from '@switchboard/protocol';
import type { BrokerEvent } from '../broker/types.js';
import type { HandlerInput } from '../handlers/context.js';
import type { Core } from './core.js';
import { validateEvents } from './events.js';
import { authorizeOperation, type OperationRequest } from './operation.js';

export interface PublishRequest extends OperationRequest {
  /** JSON-encoded event strings. */
  readonly events: readonly string[];
}

/**
 * Publishes a batch, the same way for WebSocket and HTTP: channel syntax, namespace, auth
 * (publish modes), events, the namespace's onPublish handler, then the broker. Every event gets an
 * identifier (the `id` handlers see), reported back in `successful` or `failed`; events a handler
 * drops are in neither (D9).
 *
 * @throws ProtocolError for anything the client must hear about.
 */
export async function publish(core: Core, request: PublishRequest): Promise<PublishResult> {
  const { channel, namespace, grant } = await authorizeOperation(core, 'EVENT_PUBLISH', request);
  const payloads = validateEvents(request.events, core.limits);
  const events: BrokerEvent[] = request.events.map((payload) => ({ id: randomUUID(), payload }));
  const handlers = core.handlers.get(namespace.name);
  if (handlers === undefined) {
    await broadcast(core, channel.path, events, request.requestId);
    return { successful: events.map((e, index) => ({ identifier: e.id, index })), failed: [] };
  }
  const input: HandlerInput = {
    operation: 'PUBLISH',
    channel,
    identity: grant.identity,
    headers: request.headers,
    requestId: request.requestId,
    events: events.map((e, i) => ({ id: e.id, payload: payloads[i] })),
    authMode: grant.mode,
  };
  if (!handlers.decidesPublish) {
    await broadcast(core, channel.path, events, request.requestId);
    handlers.fireAndForget(input);
    return { successful: events.map((e, index) => ({ identifier: e.id, index })), failed: [] };
  }
  const decision = await handlers.onPublish(input);
  if (decision.broadcast.length > 0) await broadcast(core, channel.path, decision.broadcast, request.requestId);
  return { successful: decision.successful, failed: decision.failed };
}

async function broadcast(core: Core, channel: string, events: BrokerEvent[], requestId: string): Promise<void> {
  try {
    await core.fanout.publish({ channel, events });
    core.metrics.eventsPublished.inc(undefined, events.length);
  } catch (err) {
    core.log.error('broker publish failed', { requestId, channel, err });
    throw new ProtocolError('ServiceUnavailableException', 'The broker is unavailable; the events were not delivered. Retry later.', { cause: err });
  }
}

import { randomUUID } from 'node:crypto';
import { ProtocolError, parseChannel, type AuthHeaders, type PublishResult } from '@switchboard/protocol';
import type { BrokerEvent } from '../broker/types.js';
import type { Core } from './core.js';
import { validateEvents } from './events.js';

export interface PublishRequest {
  /** The channel as the client sent it; validated here. */
  readonly channel: unknown;
  /** JSON-encoded event strings. */
  readonly events: readonly string[];
  /** Lower-cased request headers and credentials (D16). */
  readonly headers: AuthHeaders;
  readonly requestId: string;
}

/**
 * Publishes a batch, the same way for WebSocket and HTTP: channel syntax, namespace, auth
 * (publish modes), events, then the broker. Every event gets an identifier, reported back in
 * `successful`.
 *
 * @throws ProtocolError for anything the client must hear about.
 */
export async function publish(core: Core, request: PublishRequest): Promise<PublishResult> {
  const channel = parseChannel(request.channel, { allowWildcard: false });
  const namespace = core.namespaces.get(channel.namespace);
  await core.auth.authorize(namespace.publishModes, {
    operation: 'EVENT_PUBLISH',
    headers: request.headers,
    namespace: namespace.name,
    channel: channel.path,
  });
  validateEvents(request.events, core.limits);
  const events: BrokerEvent[] = request.events.map((payload) => ({ id: randomUUID(), payload }));
  try {
    await core.fanout.publish({ channel: channel.path, events });
  } catch (err) {
    core.log.error('broker publish failed', { requestId: request.requestId, channel: channel.path, err });
    throw new ProtocolError('InternalFailureException', 'The events could not be published; nothing was delivered.', { cause: err });
  }
  return { successful: events.map((e, index) => ({ identifier: e.id, index })), failed: [] };
}

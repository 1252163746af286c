import type { Channel } from '@switchboard/protocol';
import type { AuthGrant } from '../auth/types.js';
import type { Core } from './core.js';
import { authorizeOperation, type OperationRequest } from './operation.js';

export type SubscribeRequest = OperationRequest;

export interface SubscribeGrant {
  readonly channel: Channel;
  readonly grant: AuthGrant;
}

/**
 * Decides whether a subscription may start: channel syntax (wildcards allowed, D8), namespace,
 * auth (subscribe modes), the namespace's onSubscribe handler. The caller registers the subscription.
 *
 * @throws ProtocolError for anything the client must hear about.
 */
export async function authorizeSubscribe(core: Core, request: SubscribeRequest): Promise<SubscribeGrant> {
  const { channel, namespace, grant } = await authorizeOperation(core, 'EVENT_SUBSCRIBE', request);
  await core.handlers.get(namespace.name)?.onSubscribe({
    operation: 'SUBSCRIBE',
    channel,
    identity: grant.identity,
    headers: request.headers,
    requestId: request.requestId,
    events: null,
    authMode: grant.mode,
  });
  return { channel, grant };
}

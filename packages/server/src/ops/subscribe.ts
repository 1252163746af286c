import { parseChannel, type AuthHeaders, type Channel } from '@switchboard/protocol';
import type { AuthGrant } from '../auth/types.js';
import type { Core } from './core.js';

export interface SubscribeRequest {
  readonly channel: unknown;
  readonly headers: AuthHeaders;
  readonly requestId: string;
  /** See `AuthRequest.signedBody`. */
  readonly signedBody: () => string;
  readonly sourceIp: string | undefined;
}

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
  const channel = parseChannel(request.channel, { allowWildcard: true });
  const namespace = core.namespaces.get(channel.namespace);
  const grant = await core.auth.authorize(namespace.subscribeModes, {
    operation: 'EVENT_SUBSCRIBE',
    headers: request.headers,
    namespace: namespace.name,
    channel: channel.path,
    signedBody: request.signedBody,
    ...(request.sourceIp === undefined ? {} : { sourceIp: request.sourceIp }),
  });
  await core.handlers.get(namespace.name)?.onSubscribe({
    operation: 'SUBSCRIBE',
    channel,
    identity: grant.identity,
    headers: request.headers,
    requestId: request.requestId,
    events: null,
  });
  return { channel, grant };
}

import { parseChannel, type AuthHeaders, type Channel } from '@switchboard/protocol';
import type { AuthGrant } from '../auth/types.js';
import type { Namespace } from '../namespaces/registry.js';
import { inSpan } from '../observability/telemetry.js';
import type { Core } from './core.js';

/** What publish and subscribe requests have in common, from WebSocket or HTTP. */
export interface OperationRequest {
  /** The channel as the client sent it; validated here. */
  readonly channel: unknown;
  /** Lower-cased request headers and credentials (D16). */
  readonly headers: AuthHeaders;
  readonly requestId: string;
  /** See `AuthRequest.signedBody`. */
  readonly signedBody: () => string;
  readonly sourceIp: string | undefined;
  /** A W3C `traceparent` the caller sent (`POST /event`): the request's span continues that trace. */
  readonly traceparent?: string | undefined;
}

export interface AuthorizedOperation {
  readonly channel: Channel;
  readonly namespace: Namespace;
  readonly grant: AuthGrant;
}

/**
 * The first steps of every operation, in a fixed order: channel syntax (a wildcard only for
 * subscribe, D8), namespace (`ResourceNotFound`, D10), then auth with the namespace's modes for
 * the operation.
 *
 * @throws ProtocolError for anything the client must hear about.
 */
export async function authorizeOperation(core: Core, operation: 'EVENT_PUBLISH' | 'EVENT_SUBSCRIBE', request: OperationRequest): Promise<AuthorizedOperation> {
  const subscribe = operation === 'EVENT_SUBSCRIBE';
  const channel = parseChannel(request.channel, { allowWildcard: subscribe });
  const namespace = core.namespaces.get(channel.namespace);
  const modes = subscribe ? namespace.subscribeModes : namespace.publishModes;
  const grant = await inSpan(core.telemetry, 'auth', () => ({ 'switchboard.auth.operation': operation }), async (span) => {
    const granted = await core.auth.authorize(modes, {
      operation,
      headers: request.headers,
      namespace: namespace.name,
      channel: channel.path,
      signedBody: request.signedBody,
      requestId: request.requestId,
      ...(request.sourceIp === undefined ? {} : { sourceIp: request.sourceIp }),
      ...(span !== undefined && { traceId: core.telemetry.tracer?.xrayHeader() }),
    });
    span?.setAttributes({ 'switchboard.auth.mode': granted.mode });
    return granted;
  });
  return { channel, namespace, grant };
}

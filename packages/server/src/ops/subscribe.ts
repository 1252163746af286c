import { ProtocolError, type Channel, type SubscribeSuccessExtras } from '@switchboard/protocol';
import type { AuthGrant } from '../auth/types.js';
import type { HistorySubscription } from '../history/namespace-stream.js';
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

/** A subscription as the operations start and stop it (the WebSocket `Subscription`). */
export interface LiveSubscription extends HistorySubscription {
  /** Sends `subscribe_success` (with `extras`), then delivers. */
  start(extras?: SubscribeSuccessExtras): void;
}

/**
 * Starts delivering to `sub` and answers it with `subscribe_success`. On a namespace with history
 * this is where a `since` is resumed from (docs/history.md); elsewhere a `since` is answered with
 * `recovered: false` and `HistoryNotEnabled`, and the subscription is live anyway.
 *
 * @throws ProtocolError ServiceUnavailableException when the broker or the history store cannot start it.
 */
export async function startSubscription(core: Core, sub: LiveSubscription, since: unknown): Promise<void> {
  const namespace = namespaceOf(sub.pattern);
  if (core.history?.has(namespace)) return core.history.subscribe(sub, namespace, since);
  await core.fanout.add(sub);
  if (since === undefined) return sub.start();
  const reason = new ProtocolError('HistoryNotEnabled', `Namespace ${namespace} keeps no history; nothing to resume from`);
  sub.start({ recovered: false, reason: { errorType: reason.errorType, message: reason.message } });
}

/** Stops delivering to `sub`. Idempotent. */
export function stopSubscription(core: Core, sub: LiveSubscription): void {
  const namespace = namespaceOf(sub.pattern);
  if (core.history?.has(namespace)) core.history.unsubscribe(sub);
  else core.fanout.remove(sub);
}

/** The namespace of a channel path or pattern: its first segment. */
export function namespaceOf(path: string): string {
  const end = path.indexOf('/', 1);
  return end === -1 ? path.slice(1) : path.slice(1, end);
}

import type { WireError } from './errors.js';
import type { ErrorReplyType, FailedEvent, PublishResult, SuccessfulEvent } from './messages.js';

/**
 * Builders for every server frame, as JSON text ready to send. Keys follow AWS's order where it
 * is known (recorded answers put keys in alphabetical order: `errors` before `type`, a failed
 * entry's `code`, `identifier`, `index`, `message`; HTTP `failed` before `successful`), so
 * clients that compare raw text see what AWS sends. `data` frames are built in two parts so a
 * fan-out encodes the event once and the subscription id once: a frame is
 * `dataFramePrefix(id)` + `JSON.stringify(eventString)` (decision D1: `event` travels as a
 * string) + `}`.
 */
export const KA_FRAME = '{"type":"ka"}';

export function connectionAckFrame(connectionTimeoutMs: number): string {
  return JSON.stringify({ connectionTimeoutMs, type: 'connection_ack' });
}

export function connectionErrorFrame(errors: WireError[]): string {
  return JSON.stringify({ errors, type: 'connection_error' });
}

/**
 * Switchboard's history extension on `subscribe_success` (docs/history.md): `position` is where
 * live delivery starts; `recovered` and `reason` answer a `subscribe` that carried `since`. Never
 * an `errors` key: some Amplify versions fail an in-flight publish on any frame that has one.
 */
export interface SubscribeSuccessExtras {
  position?: string;
  recovered?: boolean;
  reason?: { errorType: string; message: string };
}

export function subscribeSuccessFrame(id: string, extras?: SubscribeSuccessExtras): string {
  return JSON.stringify(extras === undefined ? { id, type: 'subscribe_success' } : { id, type: 'subscribe_success', ...extras });
}

export function unsubscribeSuccessFrame(id: string): string {
  return JSON.stringify({ id, type: 'unsubscribe_success' });
}

export function publishSuccessFrame(id: string, successful: SuccessfulEvent[], failed: FailedEvent[]): string {
  return JSON.stringify({ failed, id, successful, type: 'publish_success' });
}

/** The body of a `POST /event` that was accepted (HTTP 200), with `failed` first as AWS sends it. */
export function publishResultBody(result: PublishResult): string {
  return JSON.stringify({ failed: result.failed, successful: result.successful });
}

/** An error reply; `id` is omitted from generic `error` frames when the message had none. */
export function errorFrame(type: ErrorReplyType, id: string | undefined, errors: WireError[]): string {
  return JSON.stringify(id === undefined ? { errors, type } : { errors, id, type });
}

/** The constant head of every `data` frame for one subscription id. */
export function dataFramePrefix(subscriptionId: string): string {
  return `{"type":"data","id":${JSON.stringify(subscriptionId)},"event":`;
}

/**
 * The fields a `data` frame of a channel with history carries after `event` (history extension):
 * `,"channel":"/ns/a","position":"<epoch>:<offset>"`. They belong to the event, so a fan-out
 * encodes them once with the event, for every subscriber.
 */
export function historyDataFields(channel: string, position: string): string {
  return `,"channel":${JSON.stringify(channel)},"position":${JSON.stringify(position)}`;
}

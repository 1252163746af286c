import type { WireError } from './errors.js';

/** Header name -> value, as sent in `authorization` objects and the `header-` subprotocol. */
export type AuthHeaders = Readonly<Record<string, string>>;

// Client -> server. Unknown fields (Amplify's legacy `payload`) are accepted and ignored.

export interface ConnectionInitMessage {
  type: 'connection_init';
}

/** A client keep-alive (some AWS clients send it after a long silence); it is ignored. */
export interface KeepAliveMessage {
  type: 'ka';
}

export interface SubscribeMessage {
  type: 'subscribe';
  id: string;
  channel: string;
  authorization?: AuthHeaders;
  /**
   * Switchboard's history extension: the last position the client saw (from a `data` frame or a
   * `subscribe_success`), to resume from. Opaque; AppSync clients never send it.
   */
  since?: unknown;
}

export interface UnsubscribeMessage {
  type: 'unsubscribe';
  id: string;
}

export interface PublishMessage {
  type: 'publish';
  id: string;
  channel: string;
  /** Each event is a JSON-encoded string. */
  events: string[];
  authorization?: AuthHeaders;
}

export type ClientMessage = ConnectionInitMessage | KeepAliveMessage | SubscribeMessage | UnsubscribeMessage | PublishMessage;

// Server -> client.

/** One accepted event in `publish_success.successful` and HTTP `successful`. */
export interface SuccessfulEvent {
  identifier: string;
  index: number;
}

/**
 * One rejected event in `publish_success.failed` and HTTP `failed`. `code` is an error type
 * name, as AWS sends it (`EventTooLargeException`); keys in AWS's order.
 */
export interface FailedEvent {
  code: FailedEventCode;
  identifier: string;
  index: number;
  message: string;
}

/**
 * `code` of a failed event: it was too large, the onPublish handler marked it with `error`, or a
 * `required` forwarding destination did not take it (for now, or for good).
 */
export type FailedEventCode = 'EventTooLargeException' | 'HandlerError' | 'ServiceUnavailableException' | 'DestinationRefusedError';

export interface PublishResult {
  successful: SuccessfulEvent[];
  failed: FailedEvent[];
}

export type ServerMessage =
  | { type: 'connection_ack'; connectionTimeoutMs: number }
  | { type: 'connection_error'; errors: WireError[] }
  | { type: 'ka' }
  | { type: 'subscribe_success'; id: string }
  | { type: 'subscribe_error'; id: string; errors: WireError[] }
  | { type: 'unsubscribe_success'; id: string }
  | { type: 'unsubscribe_error'; id: string; errors: WireError[] }
  | ({ type: 'publish_success'; id: string } & PublishResult)
  | { type: 'publish_error'; id: string; errors: WireError[] }
  | { type: 'data'; id: string; event: string }
  | { type: 'error'; id?: string; errors: WireError[] };

/** The frame type that answers an error in reply to a client message of a given type. */
export type ErrorReplyType = 'subscribe_error' | 'unsubscribe_error' | 'publish_error' | 'error';

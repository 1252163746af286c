/** An error object as the server sends it in every `errors` array (WebSocket frames and HTTP bodies). */
export interface WireError {
  errorType: string;
  message?: string;
  /** The HTTP-like status, where the server gives one (Switchboard always does). */
  errorCode?: number;
}

/**
 * The server refused an operation: a `connection_error`, `subscribe_error`, `publish_error`,
 * `broadcast_error` or `error` frame, or an HTTP error answer to `post`. `errors` is what the
 * server sent; `errorType` and `status` are read from its first entry (or the HTTP status).
 */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  readonly errorType: string;
  /** `errorCode` of the first error, or the HTTP status of a `post`. */
  readonly status: number | undefined;

  constructor(
    readonly errors: WireError[],
    status?: number,
  ) {
    const first = errors[0] ?? { errorType: 'UnknownError' };
    super(`${first.errorType}: ${first.message ?? 'no message'}`);
    this.errorType = first.errorType;
    this.status = first.errorCode ?? status;
  }

  /** Refused for its credentials: worth one retry with fresh ones. */
  get unauthorized(): boolean {
    return this.status === 401 || /^Unauthorized/.test(this.errorType);
  }

  /** A refusal that may pass later unchanged (overload, broker outage, server failure). */
  get transient(): boolean {
    return this.status === 429 || (this.status ?? 0) >= 500;
  }
}

/** A value did not match the Standard Schema of a channel: an event to send, or one that arrived. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';

  constructor(
    readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }>,
    /** The event's position in the list given to `publish` or `post`; absent for an event that arrived. */
    readonly index?: number,
  ) {
    super(`invalid event${index === undefined ? '' : ` at index ${index}`}: ${issues.map((i) => i.message).join('; ')}`);
  }
}

/** The server did not answer in time: `connection_ack`, `subscribe_success` or a publish reply. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * The connection was lost or closed before an operation completed, or the client is closed. A
 * publish that fails with it may or may not have been delivered.
 */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

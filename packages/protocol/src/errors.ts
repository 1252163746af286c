/**
 * The one registry of error types Switchboard sends, over WebSocket (`errors[]` of
 * `connection_error`, `subscribe_error`, `publish_error`, `unsubscribe_error`, `error`) and over
 * HTTP (`{ errors: [...] }` bodies). Names follow AppSync Events where AppSync has one.
 * `docs/errors.md` documents every entry; a test keeps the two in step.
 */
export interface ErrorTypeSpec {
  /** HTTP status for `POST /event`, and the `errorCode` in error objects. */
  readonly status: number;
  /** When the server sends it. */
  readonly when: string;
}

export const ERROR_TYPES = {
  BadRequestException: {
    status: 400,
    when: 'The request is malformed: invalid JSON, a missing or invalid field, an invalid channel or id, too many or too large events.',
  },
  UnauthorizedException: {
    status: 401,
    when: 'Credentials are missing, unknown, expired, or of an auth mode the operation does not allow.',
  },
  ResourceNotFound: {
    status: 404,
    when: 'The channel names a namespace that is not configured, or the HTTP route does not exist.',
  },
  MethodNotAllowedException: {
    status: 405,
    when: 'An HTTP route was called with a method it does not serve.',
  },
  UnsupportedOperation: {
    status: 400,
    when: 'A WebSocket message has a `type` the protocol does not define.',
  },
  UnknownOperationError: {
    status: 400,
    when: '`unsubscribe` names a subscription id that is not active on this connection.',
  },
  MaxSubscriptionsReachedError: {
    status: 400,
    when: 'A connection asked for more subscriptions than `limits.subscriptionsPerConnection`.',
  },
  LimitExceededError: {
    status: 429,
    when: 'A connection published faster than `limits.publishesPerSecond`, or queued more operations than `limits.pendingOperations`.',
  },
  PayloadTooLargeException: {
    status: 413,
    when: 'An HTTP request body is larger than `limits.httpBodyBytes`.',
  },
  EventTooLargeException: {
    status: 413,
    when: 'An event, as published or as an onPublish handler returned it, is larger than `limits.eventBytes`: the `code` of its entry in `failed`; the other events of the batch go out.',
  },
  HandlerError: {
    status: 403,
    when: 'A handler rejected the operation: `util.error(message, errorType)` in a code handler (the frame carries the given errorType), or a function handler returned `{ error }`.',
  },
  HandlerTimeoutError: {
    status: 504,
    when: 'A REQUEST_RESPONSE handler did not answer within its `timeoutMs`.',
  },
  HandlerFailedError: {
    status: 502,
    when: 'A handler threw (anything but `UnauthorizedException`), crashed, or could not be loaded or reached.',
  },
  DataSourceError: {
    status: 502,
    when: "A code handler's data source failed (down, slow, refused, or the request was invalid) and its `response(ctx)` neither raised nor acknowledged `ctx.error`.",
  },
  InvalidHandlerResponseError: {
    status: 502,
    when: 'A handler returned something AppSync would not accept: not an event list, an unknown or duplicate event id, a malformed entry.',
  },
  DestinationRefusedError: {
    status: 502,
    when: 'A `required` forwarding destination refused an event for good (a 4xx from a webhook, an unroutable message, an invalid entry): the `code` of its entry in `failed`; the event was not broadcast.',
  },
  ServiceUnavailableException: {
    status: 503,
    when: 'The broker (Redis, NATS) is unreachable: the publish was not delivered, or the subscription could not start. The node reconnects by itself.',
  },
  HistoryExpired: {
    status: 410,
    when: 'History extension: the position given (`since` of a `subscribe`, or of `GET /event/history`) is older than what the namespace keeps: events after it were evicted by size or expired by age.',
  },
  HistoryReset: {
    status: 410,
    when: 'History extension: the position given belongs to another epoch of the namespace\'s history (the history was lost or reset since), or is not a position this server gave.',
  },
  HistoryNotEnabled: {
    status: 400,
    when: 'History extension: the namespace keeps no history, so a position cannot be resumed from and `GET /event/history` has nothing to read.',
  },
  WAFForbiddenException: {
    status: 403,
    when: 'A `protection` rule refused the request before auth: the client address is in `protection.denyIps` or not in a non-empty `protection.allowIps`, or a WebSocket upgrade came from an `Origin` not in `protection.allowedOrigins`.',
  },
  TooManyRequestsException: {
    status: 429,
    when: 'A `protection` rate rule refused the request before auth (`protection.connectRate`, `protection.publishRate`), or the client has `protection.maxConnectionsPerIp` connections open.',
  },
  InternalFailureException: {
    status: 500,
    when: 'The server failed in a way the client could not cause; the server log has the details under the same request id.',
  },
} as const satisfies Record<string, ErrorTypeSpec>;

export type ErrorType = keyof typeof ERROR_TYPES;

/** An error object as it appears in every `errors` array on the wire. */
export interface WireError {
  errorType: string;
  message: string;
  errorCode?: number;
}

/**
 * An error the client caused or must hear about. Carries the registry type; its status is the
 * registry's. Throw it anywhere below the transport: the transport turns it into the right frame
 * or HTTP response.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly errorType: ErrorType;
  /** The errorType on the wire when it differs from the registry's (a handler's custom type). */
  readonly wireType: string | undefined;
  readonly #status: number | undefined;

  constructor(errorType: ErrorType, message: string, options?: ProtocolErrorOptions) {
    super(message, options);
    this.errorType = errorType;
    this.wireType = options?.wireType;
    this.#status = options?.status;
  }

  get status(): number {
    return this.#status ?? ERROR_TYPES[this.errorType].status;
  }

  /** Keys in AWS's (alphabetical) order. */
  toWire(): WireError {
    return { errorCode: this.status, errorType: this.wireType ?? this.errorType, message: this.message };
  }
}

export interface ProtocolErrorOptions extends ErrorOptions {
  /** Sent as `errorType` instead of the registry name (`util.error(message, 'MyType')`). */
  wireType?: string;
  /** Overrides the registry status where a decision says so (D7: a function's UnauthorizedException is 403). */
  status?: number;
}

export function isProtocolError(value: unknown): value is ProtocolError {
  return value instanceof ProtocolError;
}

/**
 * WebSocket close codes Switchboard uses. Codes 4000-4099 mean "reconnect": the client did
 * nothing wrong and may open a new connection at once. Codes 4100-4199 mean "terminal": the
 * client must change something before reconnecting. `docs/errors.md` documents each one; a test
 * keeps the two in step.
 */
export interface CloseCodeSpec {
  readonly code: number;
  readonly reconnect: boolean;
  readonly when: string;
}

export const CLOSE_CODES = {
  Normal: {
    code: 1000,
    reconnect: false,
    when: 'Sent after a `connection_error` (failed connection auth, bad auth header), when a connection without a subscription was idle for `limits.idleConnectionMs`, when the credential it connected with expires (`auth.closeConnectionsOnExpiry`), and when a client closes normally.',
  },
  GoingAway: {
    code: 1001,
    reconnect: true,
    when: 'The server is shutting down (SIGTERM/SIGINT).',
  },
  MessageTooBig: {
    code: 1009,
    reconnect: false,
    when: 'A client frame was larger than `limits.frameBytes`.',
  },
  InternalError: {
    code: 1011,
    reconnect: true,
    when: 'The server hit an unexpected error on this connection.',
  },
  SlowConsumer: {
    code: 4001,
    reconnect: true,
    when: 'The socket\'s send buffer passed `limits.sendBufferBytes`, or all sockets\' together passed `limits.sendBufferTotalBytes` and this one is stalled: the client did not read fast enough.',
  },
  ConnectionAgeExceeded: {
    code: 4002,
    reconnect: true,
    when: 'The connection reached `limits.connectionAgeMs` (24 h by default, as AppSync).',
  },
  HistoryGap: {
    code: 4003,
    reconnect: true,
    when: 'This node missed events of a namespace with history that it could not read back (the history was reset, or the node was cut off for longer than the retention): reconnect and resubscribe with your last position to learn whether you missed events.',
  },
  MessageRateExceeded: {
    code: 4100,
    reconnect: false,
    when: 'The client sent more messages than `limits.messagesPerSecond` allows (a token bucket holding five seconds\' worth).',
  },
  TooManyErrors: {
    code: 4101,
    reconnect: false,
    when: 'The client\'s messages earned more error replies than `limits.errorsPerSecond` allows (a token bucket holding ten seconds\' worth).',
  },
} as const satisfies Record<string, CloseCodeSpec>;

export type CloseCodeName = keyof typeof CLOSE_CODES;

import type { AuthHeaders, Channel } from '@switchboard/protocol';
import type { Identity } from '../auth/types.js';

/** An event as handlers see it: the service's id and the parsed JSON payload. */
export interface HandlerEvent {
  readonly id: string;
  readonly payload: unknown;
}

/** Everything a handler invocation is built from. */
export interface HandlerInput {
  readonly operation: 'PUBLISH' | 'SUBSCRIBE';
  /** For a wildcard subscription, the pattern itself (`/ns/*`). */
  readonly channel: Channel;
  readonly identity: Identity;
  /** Lower-cased request headers, cookies removed (D16). */
  readonly headers: AuthHeaders;
  readonly requestId: string;
  /** `null` for SUBSCRIBE. */
  readonly events: readonly HandlerEvent[] | null;
  /** The auth mode that granted the operation (for `util.authType()`). */
  readonly authMode?: string;
}

function info(input: HandlerInput): Record<string, unknown> {
  return {
    channel: { path: input.channel.path, segments: input.channel.segments },
    channelNamespace: { name: input.channel.namespace },
    operation: input.operation,
  };
}

/**
 * The event AppSync sends a Lambda function (DIRECT integration), field for field
 * (docs/protocol.md#direct-lambda-handlers).
 */
export function lambdaEvent(input: HandlerInput): Record<string, unknown> {
  return {
    identity: input.identity,
    result: null,
    request: { headers: input.headers, domainName: null },
    info: info(input),
    error: null,
    prev: null,
    stash: {},
    outErrors: [],
    events: input.events,
  };
}

/**
 * The `ctx` of an APPSYNC_JS code handler (docs/protocol.md#handler-context). `channel`,
 * `channelNamespace` and `operation` are also at the top level, because AWS's handler guide shows
 * them there.
 */
export function codeContext(input: HandlerInput): Record<string, unknown> {
  const details = info(input);
  const ctx: Record<string, unknown> = {
    identity: input.identity,
    request: { headers: input.headers, domainName: null },
    info: details,
    stash: {},
    ...details,
  };
  if (input.events !== null) ctx['events'] = input.events;
  return ctx;
}

import type { RouteParams } from './params.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import type {
  AppSyncEventsPublishEvent,
  AppSyncEventsSubscribeEvent,
  HandlerContext,
  IncomingEvent,
  OutgoingEvent,
} from './types.js';

/** The publish event as a handler sees it: AppSync's event plus the route's channel parameters. */
export type RoutedPublishEvent<Params = Record<string, string>> = AppSyncEventsPublishEvent & { readonly params: Params };

/** The subscribe event as a handler sees it: AppSync's event plus the route's channel parameters. */
export type RoutedSubscribeEvent<Params = Record<string, string>> = AppSyncEventsSubscribeEvent & { readonly params: Params };

/** A payload's type: the schema's output, or `unknown` without a schema. */
export type PayloadOf<Schema> = Schema extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<Schema> : unknown;

/** What a handler must return: the output schema's input, or anything without one. */
export type ResultOf<Schema> = Schema extends StandardSchemaV1 ? StandardSchemaV1.InferInput<Schema> : unknown;

/**
 * A per-item publish handler: called once per event, concurrently. Its return value becomes the
 * broadcast payload; a throw fails only this event, except `UnauthorizedException`, which
 * rejects the whole publish.
 */
export type PublishHandler<Payload = unknown, Result = unknown, Params = Record<string, string>> = (
  payload: Payload,
  event: RoutedPublishEvent<Params>,
  context: HandlerContext,
) => Result | Promise<Result>;

/**
 * An aggregate publish handler: called once with every (valid) event; returns the events to
 * broadcast or fail. Events it leaves out are not broadcast; `null` entries are ignored.
 */
export type AggregatePublishHandler<Payload = unknown, Result = unknown, Params = Record<string, string>> = (
  events: Array<IncomingEvent<Payload>>,
  event: RoutedPublishEvent<Params>,
  context: HandlerContext,
) => AggregateResult<Result> | Promise<AggregateResult<Result>>;

/** What an aggregate handler returns. */
export type AggregateResult<Result = unknown> = Array<OutgoingEvent<Result> | null>;

/**
 * A subscribe handler. Returning (any value) allows the subscription; throwing
 * `UnauthorizedException` rejects it as unauthorized; any other throw rejects it with `{ error }`.
 */
export type SubscribeHandler<Params = Record<string, string>> = (
  event: RoutedSubscribeEvent<Params>,
  context: HandlerContext,
) => unknown;

/** Options of `onPublish`. */
export interface PublishOptions<Schema, Output> {
  /**
   * Validates each payload before the handler runs; the handler receives the schema's output. An
   * invalid payload fails only its event, with a message naming the failed fields.
   */
  schema?: Schema;
  /** Validates what the handler returns; a mismatch fails that event. */
  output?: Output;
  /**
   * Call the handler once with all events instead of once per event.
   * @default false
   */
  aggregate?: boolean;
}

/** Where the resolver reports handler errors it turns into `{ error }` responses. */
export interface ErrorLogger {
  error(message: string, ...details: unknown[]): void;
}

/** Options of the resolver. */
export interface ResolverOptions {
  /**
   * Receives every handler error that becomes an item or operation error (invalid payloads
   * excepted: those are the publisher's mistake, not the handler's). Powertools' Logger fits.
   * @default console
   */
  logger?: ErrorLogger;
}

/** Channel parameters of a route path: re-exported here so handler types read in one place. */
export type { RouteParams };

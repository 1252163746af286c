/**
 * `@switchboard/handler`: a typed router for AppSync Events onPublish/onSubscribe handlers with
 * Standard Schema validation. No runtime dependencies; runs in AWS Lambda and in Switchboard.
 *
 * @example
 * ```ts
 * import { AppSyncEventsResolver } from '@switchboard/handler';
 * import { z } from 'zod';
 *
 * const app = new AppSyncEventsResolver();
 * app.onPublish('/chat/*', (message) => message, { schema: z.object({ text: z.string() }) });
 * export const handler = app.resolve;
 * ```
 *
 * @module
 */
export { AppSyncEventsResolver } from './resolver.js';
export {
  UnauthorizedException,
  SchemaValidationError,
  PayloadTooLargeError,
  InvalidEventError,
  InvalidRouteError,
  InvalidHandlerResultError,
} from './errors.js';
export { MAX_EVENT_BYTES } from './event-size.js';
export type { StandardSchemaV1 } from './standard-schema.js';
export type { RouteParams, ParamNames } from './params.js';
export type {
  AggregatePublishHandler,
  AggregateResult,
  ErrorLogger,
  PayloadOf,
  PublishHandler,
  PublishOptions,
  ResolverOptions,
  ResultOf,
  RoutedPublishEvent,
  RoutedSubscribeEvent,
  SubscribeHandler,
} from './handler-types.js';
export type {
  AppSyncCognitoIdentity,
  AppSyncEventsEvent,
  AppSyncEventsEventBase,
  AppSyncEventsOperation,
  AppSyncEventsPublishEvent,
  AppSyncEventsSubscribeEvent,
  AppSyncIamIdentity,
  AppSyncIdentity,
  AppSyncLambdaIdentity,
  AppSyncOidcIdentity,
  HandlerContext,
  IncomingEvent,
  OutgoingEvent,
  PublishResponse,
  SubscribeResponse,
} from './types.js';

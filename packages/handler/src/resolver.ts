import { formatError, isUnauthorized } from './errors.js';
import { isPublishEvent, parseEvent } from './event.js';
import type {
  AggregatePublishHandler,
  ErrorLogger,
  PayloadOf,
  PublishHandler,
  PublishOptions,
  ResolverOptions,
  ResultOf,
  SubscribeHandler,
} from './handler-types.js';
import type { RouteParams } from './params.js';
import { publishAggregate, publishPerItem, type PublishRoute } from './publish.js';
import { RouteTable } from './route-table.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import type { HandlerContext, PublishResponse, SubscribeResponse } from './types.js';

type Schema = StandardSchemaV1 | undefined;

/**
 * Routes AppSync Events onPublish/onSubscribe invocations to handlers by channel path, with
 * optional Standard Schema validation. The same handler file runs as an AWS Lambda behind
 * AppSync Events (`behavior: DIRECT`) and as a Switchboard function handler.
 *
 * Route paths: `/ns/channel`, `/ns/*` (one or more further segments), `/*` (everything), and
 * `{name}` segments that capture one channel segment into `event.params.name`. The most specific
 * route wins: comparing segments left to right, a literal beats a `{param}`, which beats `*`.
 *
 * @example
 * ```ts
 * import { AppSyncEventsResolver, UnauthorizedException } from '@switchboard/handler';
 * import { z } from 'zod';
 *
 * const app = new AppSyncEventsResolver();
 *
 * app.onPublish('/chat/{room}', (message, event) => ({ ...message, room: event.params.room }), {
 *   schema: z.object({ text: z.string().min(1), author: z.string() }),
 * });
 *
 * app.onSubscribe('/inbox/{userId}', (event) => {
 *   const identity = event.identity;
 *   if (!identity || !('sub' in identity) || identity.sub !== event.params.userId) {
 *     throw new UnauthorizedException('not your inbox');
 *   }
 * });
 *
 * export const handler = app.resolve;
 * ```
 */
export class AppSyncEventsResolver {
  readonly #publish = new RouteTable<PublishRoute>('onPublish');
  readonly #subscribe = new RouteTable<SubscribeHandler>('onSubscribe');
  readonly #logger: ErrorLogger;

  constructor(options: ResolverOptions = {}) {
    this.#logger = options.logger ?? console;
  }

  /**
   * Registers a per-item publish handler for a route: it is called once per event with the
   * (validated) payload, and its return value is broadcast in place of the payload.
   *
   * @throws InvalidRouteError when the path is malformed or already has an onPublish route.
   */
  onPublish<Path extends string, In extends Schema = undefined, Out extends Schema = undefined>(
    path: Path,
    handler: PublishHandler<PayloadOf<In>, ResultOf<Out>, RouteParams<Path>>,
    options?: PublishOptions<In, Out> & { aggregate?: false },
  ): void;
  /**
   * Registers an aggregate publish handler (`{ aggregate: true }`): it is called once with all
   * events and returns the events to broadcast (`{ id, payload }`) or fail (`{ id, error }`).
   *
   * @throws InvalidRouteError when the path is malformed or already has an onPublish route.
   */
  onPublish<Path extends string, In extends Schema = undefined, Out extends Schema = undefined>(
    path: Path,
    handler: AggregatePublishHandler<PayloadOf<In>, ResultOf<Out>, RouteParams<Path>>,
    options: PublishOptions<In, Out> & { aggregate: true },
  ): void;
  onPublish(
    path: string,
    handler: PublishHandler | AggregatePublishHandler,
    options: PublishOptions<Schema, Schema> = {},
  ): void {
    const { schema, output } = options;
    const checks = { ...(schema && { schema }), ...(output && { output }) };
    this.#publish.add(
      path,
      options.aggregate === true
        ? { aggregate: true, handler: handler as AggregatePublishHandler, ...checks }
        : { aggregate: false, handler: handler as PublishHandler, ...checks },
    );
  }

  /**
   * Registers a subscribe handler for a route. Returning allows the subscription; throwing
   * `UnauthorizedException` rejects it as unauthorized, any other error rejects it with `{ error }`.
   *
   * @throws InvalidRouteError when the path is malformed or already has an onSubscribe route.
   */
  onSubscribe<Path extends string>(path: Path, handler: SubscribeHandler<RouteParams<Path>>): void {
    this.#subscribe.add(path, handler as SubscribeHandler);
  }

  /**
   * Handles one invocation: pass it AppSync's Lambda event and context unchanged. Bound to the
   * instance, so `export const handler = app.resolve` is a complete Lambda handler.
   *
   * Returns, for a publish, `{ events: [{ id, payload } | { id, error }] }` or a whole-batch
   * `{ error }`; with no matching route the events pass through unchanged. For a subscribe,
   * `undefined` (allow, also when no route matches) or `{ error }` (reject).
   *
   * @throws InvalidEventError when `event` is not an AppSync Events event.
   * @throws UnauthorizedException when any handler throws it, so the invocation fails with it.
   */
  readonly resolve = async (event: unknown, context: HandlerContext = {}): Promise<PublishResponse | SubscribeResponse> => {
    const parsed = parseEvent(event);
    const path = parsed.info.channel.path;
    if (isPublishEvent(parsed)) {
      const match = this.#publish.find(path);
      if (!match) return { events: [...parsed.events] };
      const call = { event: { ...parsed, params: match.params }, context, logger: this.#logger };
      return match.value.aggregate ? publishAggregate(match.value, call) : publishPerItem(match.value, call);
    }
    const match = this.#subscribe.find(path);
    if (!match) return undefined;
    try {
      await match.value({ ...parsed, params: match.params }, context);
      return undefined;
    } catch (error) {
      if (isUnauthorized(error)) throw error;
      this.#logger.error(`An error occurred in the handler for ${path}`, error);
      return { error: formatError(error) };
    }
  };
}

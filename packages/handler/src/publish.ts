import { assertEventSize } from './event-size.js';
import { InvalidHandlerResultError, SchemaValidationError, formatError, isUnauthorized } from './errors.js';
import type { AggregatePublishHandler, ErrorLogger, PublishHandler, RoutedPublishEvent } from './handler-types.js';
import { validate } from './schema.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import type { HandlerContext, IncomingEvent, OutgoingEvent, PublishResponse } from './types.js';

/** A registered onPublish route. */
export type PublishRoute =
  | { readonly aggregate: false; readonly handler: PublishHandler; readonly schema?: StandardSchemaV1; readonly output?: StandardSchemaV1 }
  | { readonly aggregate: true; readonly handler: AggregatePublishHandler; readonly schema?: StandardSchemaV1; readonly output?: StandardSchemaV1 };

/** What a publish run needs besides the route. */
export interface PublishCall {
  readonly event: RoutedPublishEvent;
  readonly context: HandlerContext;
  readonly logger: ErrorLogger;
}

/**
 * Runs a per-item route: every event is validated, handled, checked and sized on its own, all
 * concurrently, and the output keeps the input order. A failure becomes that event's `error`.
 *
 * @throws the first `UnauthorizedException` any item throws: it rejects the whole publish.
 */
export async function publishPerItem(route: PublishRoute & { aggregate: false }, call: PublishCall): Promise<PublishResponse> {
  const path = call.event.info.channel.path;
  const events = await Promise.all(
    call.event.events.map(async ({ id, payload }): Promise<OutgoingEvent> => {
      try {
        const input = route.schema ? await validate(route.schema, payload, 'payload') : payload;
        const result = await route.handler(input, call.event, call.context);
        const outgoing = { id, payload: route.output ? await validate(route.output, result, 'output') : result };
        assertEventSize(outgoing);
        return outgoing;
      } catch (error) {
        if (isUnauthorized(error)) throw error;
        report(call.logger, path, error);
        return { id, error: formatError(error) };
      }
    }),
  );
  return { events };
}

/**
 * Runs an aggregate route. With a schema, invalid events are failed up front and the handler
 * receives only the valid ones (it is not called when none are valid); their errors follow the
 * handler's events in the output. Each returned event is then checked against the output schema
 * and the size limit, failing only that event. A throw, or a result that is not an array of
 * `{ id, payload }` / `{ id, error }` with ids from the input, fails the whole batch with `{ error }`.
 *
 * @throws an `UnauthorizedException` from the handler: it rejects the whole publish.
 */
export async function publishAggregate(route: PublishRoute & { aggregate: true }, call: PublishCall): Promise<PublishResponse> {
  const path = call.event.info.channel.path;
  const accepted: IncomingEvent[] = [];
  const rejected: OutgoingEvent[] = [];
  for (const { id, payload } of call.event.events) {
    try {
      accepted.push({ id, payload: route.schema ? await validate(route.schema, payload, 'payload') : payload });
    } catch (error) {
      rejected.push({ id, error: formatError(error) });
    }
  }
  if (accepted.length === 0 && rejected.length > 0) return { events: rejected };

  try {
    const returned = await route.handler(accepted, call.event, call.context);
    const ids = new Set(call.event.events.map((event) => event.id));
    const events = await Promise.all(checkAggregateResult(returned, ids).map((item) => finishItem(route, item, call)));
    return { events: [...events, ...rejected] };
  } catch (error) {
    if (isUnauthorized(error)) throw error;
    report(call.logger, path, error);
    return { error: formatError(error) };
  }
}

/** Output-schema and size checks for one event an aggregate handler returned. */
async function finishItem(route: PublishRoute, item: OutgoingEvent, call: PublishCall): Promise<OutgoingEvent> {
  if (item.error !== undefined) return item;
  try {
    const outgoing = route.output ? { ...item, payload: await validate(route.output, item.payload, 'output') } : item;
    assertEventSize(outgoing);
    return outgoing;
  } catch (error) {
    report(call.logger, call.event.info.channel.path, error);
    return { id: item.id, error: formatError(error) };
  }
}

function checkAggregateResult(returned: unknown, ids: ReadonlySet<string>): OutgoingEvent[] {
  if (!Array.isArray(returned)) {
    throw new InvalidHandlerResultError(
      `an aggregate handler must return an array of { id, payload } or { id, error }, got ${returned === null ? 'null' : typeof returned}`,
    );
  }
  const items: OutgoingEvent[] = [];
  returned.forEach((item: unknown, index) => {
    if (item === null) return;
    if (typeof item !== 'object' || typeof (item as OutgoingEvent).id !== 'string') {
      throw new InvalidHandlerResultError(`item ${index} returned by the aggregate handler has no string "id"`);
    }
    const { id, error } = item as OutgoingEvent;
    if (!ids.has(id)) {
      throw new InvalidHandlerResultError(`item ${index} returned by the aggregate handler has an unknown id "${id}"`);
    }
    if (error !== undefined && typeof error !== 'string') {
      throw new InvalidHandlerResultError(`item ${index} returned by the aggregate handler has a non-string "error"`);
    }
    items.push(item as OutgoingEvent);
  });
  return items;
}

function report(logger: ErrorLogger, path: string, error: unknown): void {
  if (error instanceof SchemaValidationError && error.target === 'payload') return;
  logger.error(`An error occurred in the handler for ${path}`, error);
}

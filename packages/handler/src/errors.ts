import type { StandardSchemaV1 } from './standard-schema.js';

/**
 * Throw this from any handler to reject the whole publish or subscribe.
 *
 * It is never turned into a per-item error: the resolver rethrows it so the Lambda invocation
 * (or Switchboard function call) fails with `errorType: 'UnauthorizedException'`, which AppSync
 * and Switchboard answer with an unauthorized error. The name, not the class, is what counts, so
 * Powertools' own `UnauthorizedException` works the same way here.
 *
 * @example
 * ```ts
 * app.onSubscribe('/private/*', (event) => {
 *   if (event.identity === null) throw new UnauthorizedException('sign in first');
 * });
 * ```
 */
export class UnauthorizedException extends Error {
  constructor(message = 'Unauthorized', options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnauthorizedException';
  }
}

/** Thrown by `onPublish`/`onSubscribe` when a route path is malformed or registered twice. */
export class InvalidRouteError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidRouteError';
  }
}

/** Thrown by `resolve` when its input is not an AppSync Events Lambda event. */
export class InvalidEventError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidEventError';
  }
}

/**
 * A payload (`target: 'payload'`) or a handler's return value (`target: 'output'`) failed its
 * schema. It becomes the item's `error`, e.g.
 * `"SchemaValidationError - Invalid payload: text: Required; tags[1]: Expected string"`.
 */
export class SchemaValidationError extends Error {
  /** What was validated: the incoming payload or what the handler returned. */
  readonly target: 'payload' | 'output';
  /** The issues reported by the schema library, unchanged. */
  readonly issues: ReadonlyArray<StandardSchemaV1.Issue>;

  constructor(target: 'payload' | 'output', issues: ReadonlyArray<StandardSchemaV1.Issue>, message: string) {
    super(message);
    this.name = 'SchemaValidationError';
    this.target = target;
    this.issues = issues;
  }
}

/** An outgoing event is larger than AppSync's 240 KiB per-event limit, which AppSync would drop silently. */
export class PayloadTooLargeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PayloadTooLargeError';
  }
}

/** An aggregate handler returned something other than an array of `{ id, payload }` / `{ id, error }`. */
export class InvalidHandlerResultError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidHandlerResultError';
  }
}

/** True for any error named `UnauthorizedException`, whichever library threw it. */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof Error && error.name === 'UnauthorizedException';
}

/**
 * The error string AppSync shows for a failed item or operation: `"<name> - <message>"`, or
 * `"An unknown error occurred"` for a thrown non-`Error` (the same format as Powertools).
 */
export function formatError(error: unknown): string {
  return error instanceof Error ? `${error.name} - ${error.message}` : 'An unknown error occurred';
}

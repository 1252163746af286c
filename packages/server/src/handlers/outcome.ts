import { ProtocolError, type FailedEvent, type SuccessfulEvent } from '@switchboard/protocol';
import type { BrokerEvent } from '../broker/types.js';
import type { InvokeOutcome } from '../functions/types.js';
import { eventTooLarge, exceedsEventBytes } from '../ops/events.js';

/** What a publish handler decided, ready to broadcast and report (D9). */
export interface PublishDecision {
  /** In the order the handler returned them, payloads re-encoded. */
  readonly broadcast: BrokerEvent[];
  readonly successful: SuccessfulEvent[];
  readonly failed: FailedEvent[];
}

/** `code` for a failed entry the handler marked with `error` (AWS sends an error type name here). */
export const HANDLER_REJECTED_CODE = 'HandlerError';

/**
 * Turns how a handler ended into its value, or into the error the client gets (D7):
 * `util.unauthorized()` → 401 UnauthorizedException; a thrown `UnauthorizedException` → 403
 * UnauthorizedException; `util.error(m, type)` → 403 with `type` (default HandlerError); any other
 * throw → 502 HandlerFailedError (the details go to the log only).
 */
export function unwrap(outcome: InvokeOutcome, operation: string, requestId: string): unknown {
  switch (outcome.status) {
    case 'ok':
      return outcome.value;
    case 'unauthorized':
      return fail(new ProtocolError('UnauthorizedException', 'You are not authorized to make this call.'));
    case 'util-error':
      return fail(new ProtocolError('HandlerError', outcome.message, { wireType: outcome.errorType ?? 'HandlerError' }));
    case 'data-source':
      // NamespaceHandlers runs the data source and the response step before unwrapping.
      return fail(new ProtocolError('HandlerFailedError', `The ${operation} handler needs a data source; see the server log for request ${requestId}`));
    case 'threw':
      if (outcome.name === 'UnauthorizedException') {
        return fail(new ProtocolError('UnauthorizedException', outcome.message || 'You are not authorized to make this call.', { status: 403 }));
      }
      return fail(new ProtocolError('HandlerFailedError', `The ${operation} handler failed; see the server log for request ${requestId}`));
  }
}

function fail(err: ProtocolError): never {
  throw err;
}

/**
 * Applies an onPublish result to the incoming batch (docs/protocol.md#onpublish-results, D9): entries name incoming
 * ids (an unknown or repeated id is an invalid response); `null` entries are skipped; an entry
 * with `error` goes to `failed`; the others are broadcast with their (new) payload; events the
 * handler omitted are dropped and reported in neither list. An output event larger than
 * `eventBytes` goes to `failed` instead of being dropped silently.
 *
 * `returned` is a code handler's array (or `null`: nothing is broadcast), or the `events` array of
 * a function's response.
 */
export function decidePublish(returned: unknown, incoming: readonly { id: string }[], eventBytes: number): PublishDecision {
  const decision: PublishDecision = { broadcast: [], successful: [], failed: [] };
  if (returned === null || returned === undefined) return decision;
  if (!Array.isArray(returned)) throw invalid('onPublish must return an array of events or null');
  const indexOf = new Map(incoming.map((e, i) => [e.id, i]));
  const seen = new Set<string>();
  for (const entry of returned) {
    if (entry === null || entry === undefined) continue;
    if (typeof entry !== 'object' || typeof (entry as { id?: unknown }).id !== 'string') {
      throw invalid('every returned event must be an object with the string id of an incoming event');
    }
    const { id, payload, error } = entry as { id: string; payload?: unknown; error?: unknown };
    const index = indexOf.get(id);
    if (index === undefined) throw invalid(`the handler returned an unknown event id ${id.slice(0, 64)}`);
    if (seen.has(id)) throw invalid(`the handler returned event id ${id.slice(0, 64)} twice`);
    seen.add(id);
    if (error !== undefined && error !== null) {
      decision.failed.push({ code: HANDLER_REJECTED_CODE, identifier: id, index, message: typeof error === 'string' ? error : JSON.stringify(error) });
      continue;
    }
    const encoded = JSON.stringify(payload === undefined ? null : payload);
    if (exceedsEventBytes(encoded, eventBytes)) {
      decision.failed.push(eventTooLarge(id, index, eventBytes));
      continue;
    }
    decision.broadcast.push({ id, payload: encoded });
    decision.successful.push({ identifier: id, index });
  }
  return decision;
}

/**
 * A function's publish response: `{ events: [...] }`, or `{ error }` to fail the whole batch
 * (403 HandlerError, decided where AWS is silent).
 */
export function functionPublishEvents(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('a function onPublish must return { events: [...] } or { error }');
  }
  const response = value as { events?: unknown; error?: unknown };
  if (response.error !== undefined && response.error !== null) {
    throw new ProtocolError('HandlerError', typeof response.error === 'string' ? response.error : JSON.stringify(response.error));
  }
  if (!Array.isArray(response.events)) throw invalid('a function onPublish must return { events: [...] } or { error }');
  return response.events;
}

/** A function's subscribe response: `null`/`undefined` allows, `{ error }` refuses (403 HandlerError). */
export function checkFunctionSubscribe(value: unknown): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object' && !Array.isArray(value) && 'error' in value) {
    const error = (value as { error: unknown }).error;
    if (error === null || error === undefined) return;
    throw new ProtocolError('HandlerError', typeof error === 'string' ? error : JSON.stringify(error));
  }
  // Powertools returns the event's `events` (null) or a value for an allowed subscription.
}

function invalid(message: string): ProtocolError {
  return new ProtocolError('InvalidHandlerResponseError', `Invalid handler response: ${message}`);
}

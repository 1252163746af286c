import type { Auth, Headers } from './auth.js';
import { ServerError, type WireError } from './errors.js';
import { validate, type Schema } from './schema.js';

// The result types mirror @switchboard/protocol's on purpose: the client's published types must
// not need another package. schema.test-d.ts fails the build if the two drift apart.

/** An event the server accepted: `index` is its position in the published list. */
export interface SuccessfulEvent {
  identifier: string;
  index: number;
}

/**
 * An event that was not broadcast: too large (`code` `EventTooLargeException`) or refused by a
 * handler (`HandlerError`, with the handler's reason as `message`).
 */
export interface FailedEvent {
  code?: string;
  identifier: string;
  index: number;
  message?: string;
}

/**
 * The answer to a publish: which events were accepted and which were refused. Events a handler
 * filtered out silently are in neither list (AppSync does the same).
 */
export interface PublishResult {
  successful: SuccessfulEvent[];
  failed: FailedEvent[];
}

/** Options of `publish` and `post`. */
export interface PublishOptions {
  /** Auth for this publish; @default the client's. */
  auth?: Auth;
}

/** The events as AppSync carries them: one JSON string each, checked against `schema` first. */
export async function encodeEvents(events: readonly unknown[], schema: Schema | undefined): Promise<string[]> {
  if (schema) await Promise.all(events.map((event, i) => validate(schema, event, i)));
  return events.map((event) => JSON.stringify(event));
}

/** The result lists of a `publish_success` frame or an HTTP answer. */
export function publishResult(body: Record<string, unknown>): PublishResult {
  return { successful: (body['successful'] ?? []) as SuccessfulEvent[], failed: (body['failed'] ?? []) as FailedEvent[] };
}

/** What `post` needs from its client. */
export interface PostTarget {
  url: string;
  fetch: typeof fetch;
  auth: Auth;
}

/**
 * `POST /event` with `events` on `channel`. A 200 answer is the result; any other answer (or a
 * body with `errors`) is a `ServerError` with the HTTP status. Credentials refused with 401 are
 * refreshed and the request sent once more when the auth mode can refresh (a token provider).
 */
export async function postEvents(target: PostTarget, channel: string, events: string[], retried = false): Promise<PublishResult> {
  const body = JSON.stringify({ channel: channel.replace(/^\/?/, '/'), events });
  const base = { 'content-type': 'application/json' };
  const headers: Headers = { ...base, ...(await target.auth.headers({ url: target.url, headers: { ...base, host: new URL(target.url).host }, body })) };
  delete headers['host']; // set by fetch itself, and forbidden to set in browsers
  const response = await target.fetch(target.url, { method: 'POST', headers, body });
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  const errors = answer['errors'] as WireError[] | undefined;
  if (response.ok && !errors) return publishResult(answer);
  const error = new ServerError(errors ?? [{ errorType: 'HttpError', message: `HTTP ${response.status}` }], response.status);
  if (error.unauthorized && !retried && target.auth.refresh?.()) return postEvents(target, channel, events, true);
  throw error;
}

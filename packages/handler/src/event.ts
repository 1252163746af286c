import { InvalidEventError } from './errors.js';
import type { AppSyncEventsEvent, AppSyncEventsPublishEvent } from './types.js';

/**
 * Checks that `input` is an AppSync Events Lambda event and returns it typed.
 *
 * The fields required are the ones Powertools requires; on top of that a PUBLISH must carry an
 * `events` array of `{ id: string, payload }` (Powertools sends anything else down the subscribe
 * path) and a SUBSCRIBE must carry `events: null` (or `[]`, as some samples do).
 *
 * @throws InvalidEventError naming the first field that is missing or wrong.
 */
export function parseEvent(input: unknown): AppSyncEventsEvent {
  const fail = (why: string): never => {
    throw new InvalidEventError(`Not an AppSync Events event: ${why}`);
  };
  if (!isRecord(input)) return fail(`expected an object, got ${describe(input)}`);
  for (const key of ['identity', 'result', 'error', 'prev', 'events'] as const) {
    if (!(key in input)) fail(`"${key}" is missing`);
  }
  if (input['identity'] !== null && !isRecord(input['identity'])) fail('"identity" must be null or an object');
  const request = input['request'];
  if (!isRecord(request) || !isRecord(request['headers'])) fail('"request.headers" must be an object');
  if (!('domainName' in (request as object))) fail('"request.domainName" is missing');
  if (!isRecord(input['stash'])) fail('"stash" must be an object');
  if (!Array.isArray(input['outErrors'])) fail('"outErrors" must be an array');

  const info = input['info'];
  if (!isRecord(info)) return fail('"info" must be an object');
  const channel = info['channel'];
  if (!isRecord(channel) || typeof channel['path'] !== 'string') fail('"info.channel.path" must be a string');
  const segments = (channel as Record<string, unknown>)['segments'];
  if (!Array.isArray(segments) || !segments.every((s) => typeof s === 'string')) {
    fail('"info.channel.segments" must be an array of strings');
  }
  const namespace = info['channelNamespace'];
  if (!isRecord(namespace) || typeof namespace['name'] !== 'string') fail('"info.channelNamespace.name" must be a string');

  const events = input['events'];
  if (info['operation'] === 'PUBLISH') {
    if (!Array.isArray(events)) return fail(`a PUBLISH needs an "events" array, got ${describe(events)}`);
    events.forEach((event: unknown, i) => {
      if (!isRecord(event) || typeof event['id'] !== 'string' || !('payload' in event)) {
        fail(`"events[${i}]" must be an object with a string "id" and a "payload"`);
      }
    });
  } else if (info['operation'] === 'SUBSCRIBE') {
    if (events !== null && !(Array.isArray(events) && events.length === 0)) {
      fail(`a SUBSCRIBE carries "events": null, got ${describe(events)}`);
    }
  } else {
    fail(`"info.operation" must be "PUBLISH" or "SUBSCRIBE", got ${describe(info['operation'])}`);
  }
  return input as unknown as AppSyncEventsEvent;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

/** Narrows a parsed event to the publish event. */
export function isPublishEvent(event: AppSyncEventsEvent): event is AppSyncEventsPublishEvent {
  return event.info.operation === 'PUBLISH';
}

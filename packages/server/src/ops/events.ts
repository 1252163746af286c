import { ProtocolError, exceedsJsonDepth, type FailedEvent, type Limits } from '@switchboard/protocol';

/** A publish's events after `validateEvents`, by their index in the request. */
export interface CheckedEvents {
  /** The parsed payload of each event, `undefined` for the events in `tooLarge`. */
  readonly payloads: unknown[];
  /** Indexes of the events over `eventBytes` (only when the size was checked). */
  readonly tooLarge: number[];
}

/**
 * Checks a publish's events: 1 to `eventsPerPublish` of them, each a valid JSON document nested
 * at most `jsonDepth` levels (checked before parsing, so a deep event costs nothing and never
 * reaches a handler). An event larger than `eventBytes` does not fail the publish: AWS reports it
 * in `failed` and publishes the others (see `eventTooLarge`); `checkSize: false` leaves the size
 * to whoever transforms the events (a deciding onPublish handler, whose output is checked).
 *
 * @throws ProtocolError `BadRequestException` naming the event index and the rule; nothing of
 * such a publish is delivered.
 */
export function validateEvents(events: readonly string[], limits: Readonly<Limits>, checkSize = true): CheckedEvents {
  if (events.length === 0) {
    throw new ProtocolError('BadRequestException', 'Input must contain at least 1 event');
  }
  if (events.length > limits.eventsPerPublish) {
    throw new ProtocolError('BadRequestException', `Input exceeded ${limits.eventsPerPublish} event limit`);
  }
  const tooLarge: number[] = [];
  const payloads = events.map((event, index) => {
    if (checkSize && exceedsEventBytes(event, limits.eventBytes)) {
      tooLarge.push(index);
      return undefined;
    }
    if (exceedsJsonDepth(event, limits.jsonDepth)) {
      throw new ProtocolError('BadRequestException', `Event at index ${index} is nested deeper than ${limits.jsonDepth} levels`);
    }
    try {
      return JSON.parse(event) as unknown;
    } catch {
      throw new ProtocolError('BadRequestException', `Event at index ${index} is not a valid JSON-encoded string`);
    }
  });
  return { payloads, tooLarge };
}

/** True when an event's UTF-8 size passes `eventBytes`. */
export function exceedsEventBytes(event: string, eventBytes: number): boolean {
  // A string's UTF-8 size is at most 3 bytes per UTF-16 unit: skip the count when it cannot matter.
  return event.length * 3 > eventBytes && Buffer.byteLength(event, 'utf8') > eventBytes;
}

/** The `failed` entry AWS answers for an event over the size limit (recorded from the real service). */
export function eventTooLarge(identifier: string, index: number, eventBytes: number): FailedEvent {
  const limit = eventBytes % 1024 === 0 ? `${eventBytes / 1024}KB` : `${eventBytes} bytes`;
  return { code: 'EventTooLargeException', identifier, index, message: `Transformed event is larger than ${limit}` };
}

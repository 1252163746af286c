import { ProtocolError, exceedsJsonDepth, type Limits } from '@switchboard/protocol';

/**
 * Checks a publish's events: 1 to `eventsPerPublish` of them, each at most `eventBytes` of UTF-8
 * and each a valid JSON document nested at most `jsonDepth` levels (checked before parsing, so a
 * deep event costs nothing and never reaches a handler). The whole publish is refused on the first bad event, so nothing
 * is half-published.
 *
 * @returns the parsed payloads, in order.
 * @throws ProtocolError `BadRequestException` naming the event index and the rule.
 */
export function validateEvents(events: readonly string[], limits: Readonly<Limits>): unknown[] {
  if (events.length === 0) {
    throw new ProtocolError('BadRequestException', 'Input must contain at least 1 event');
  }
  if (events.length > limits.eventsPerPublish) {
    throw new ProtocolError('BadRequestException', `Input exceeded ${limits.eventsPerPublish} event limit`);
  }
  return events.map((event, index) => {
    // A string's UTF-8 size is at most 3 bytes per UTF-16 unit: skip the count when it cannot matter.
    if (event.length * 3 > limits.eventBytes && Buffer.byteLength(event, 'utf8') > limits.eventBytes) {
      throw new ProtocolError('BadRequestException', `Event at index ${index} exceeds the ${limits.eventBytes}-byte event size limit`);
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
}

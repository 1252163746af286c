import { PayloadTooLargeError } from './errors.js';
import type { OutgoingEvent } from './types.js';

/** AppSync's per-event limit, `id` included: 240 KiB. AppSync silently drops larger events. */
export const MAX_EVENT_BYTES = 240 * 1024;

/**
 * Throws when an outgoing event, serialized as AppSync serializes it (`{"id":…,"payload":…}`),
 * exceeds {@link MAX_EVENT_BYTES}.
 *
 * @throws PayloadTooLargeError, or `JSON.stringify`'s TypeError for a value that is not JSON (a cycle, a BigInt).
 */
export function assertEventSize(event: OutgoingEvent): void {
  const json = JSON.stringify(event);
  // A UTF-16 string of n code units is at most 3n UTF-8 bytes: count only when it could matter.
  if (json.length * 3 <= MAX_EVENT_BYTES) return;
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_EVENT_BYTES) {
    throw new PayloadTooLargeError(
      `the event is ${bytes} bytes as JSON; AppSync drops events over ${MAX_EVENT_BYTES} bytes (240 KiB)`,
    );
  }
}

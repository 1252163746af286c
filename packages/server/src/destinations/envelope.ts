import type { Channel } from '@switchboard/protocol';
import type { AuthGrant } from '../auth/types.js';

/**
 * The version of the message body every destination receives. It changes only when a field is
 * removed or changes meaning; new fields may be added within a version, so consumers must ignore
 * fields they do not know. `docs/forwarding.md` documents the shape.
 */
export const ENVELOPE_VERSION = 1;

/** What one publish contributes to the envelopes of its events. */
export interface PublishContext {
  readonly channel: Channel;
  readonly grant: AuthGrant;
  /** When the server accepted the publish. @default now */
  readonly time?: Date;
}

/**
 * Builds the envelope of each event of a publish:
 *
 * ```json
 * { "version": 1, "id": "…", "namespace": "orders", "channel": "/orders/eu/42",
 *   "time": "2026-01-01T12:00:00.000Z",
 *   "publisher": { "authMode": "API_KEY", "identity": null },
 *   "payload": { …the event as broadcast… } }
 * ```
 *
 * `payload` is the event's JSON text as broadcast (the publisher's, or the handler's
 * replacement), spliced in unchanged rather than re-serialized. `publisher.identity` is what
 * handlers see as `ctx.identity`: claims and names, never a key, token or signature.
 */
export function envelopeBuilder(context: PublishContext): (id: string, payload: string) => string {
  const { channel, grant } = context;
  const rest =
    `,"namespace":${JSON.stringify(channel.namespace)}` +
    `,"channel":${JSON.stringify(channel.path)}` +
    `,"time":${JSON.stringify((context.time ?? new Date()).toISOString())}` +
    `,"publisher":${JSON.stringify({ authMode: grant.mode, identity: grant.identity })}` +
    `,"payload":`;
  return (id, payload) => `{"version":${ENVELOPE_VERSION},"id":${JSON.stringify(id)}${rest}${payload}}`;
}

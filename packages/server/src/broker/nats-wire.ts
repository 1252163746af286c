import type { BrokerEvent, BrokerMessage, Interest } from './types.js';

/*
 * How Switchboard appears on NATS: one subject per channel, one message per published batch.
 *
 * Subjects: the channel `/ns/a/b` is `<prefix>.ns.a.b`; the interest `/ns/a/*` is `<prefix>.ns.a.>`,
 * which NATS matches to one or more further tokens, exactly decision D8 (`/ns/a` itself is not
 * matched). Channel segments are `[A-Za-z0-9-]`, so they are valid NATS tokens as they are.
 *
 * Payload: the JSON array `[origin, seq, channel, [[id, payload], ...], publishedAt?]`. `payload` is the event's
 * JSON string, carried as a string so it arrives byte for byte. `origin` names the publishing
 * connection and `seq` counts its messages; receivers use them to drop the extra copies NATS sends
 * when several subscriptions of one connection match (see `OriginDedup`).
 */

const CHANNEL = /^(?:\/[A-Za-z0-9-]+)+$/;
const WILDCARD = /^(?:\/[A-Za-z0-9-]+)+\/\*$/;

/** The NATS subject of a concrete channel. @throws TypeError for a path that is not a channel. */
export function channelSubject(prefix: string, channel: string): string {
  if (!CHANNEL.test(channel)) throw new TypeError(`not a channel path: ${JSON.stringify(channel)}`);
  return prefix + channel.replaceAll('/', '.');
}

/** The NATS subject (with `>` for a wildcard) of an interest. @throws TypeError for a bad pattern. */
export function interestSubject(prefix: string, pattern: Interest): string {
  if (WILDCARD.test(pattern)) return prefix + pattern.slice(0, -1).replaceAll('/', '.') + '>';
  return channelSubject(prefix, pattern);
}

/** A message as it travels on NATS: the batch and who sent it. */
export interface WireMessage {
  readonly origin: string;
  readonly seq: number;
  readonly message: BrokerMessage;
}

export function encodeWireMessage(origin: string, seq: number, message: BrokerMessage): string {
  const events = message.events.map((e) => [e.id, e.payload]);
  return JSON.stringify(message.publishedAt === undefined ? [origin, seq, message.channel, events] : [origin, seq, message.channel, events, message.publishedAt]);
}

/** @throws TypeError when `data` is not a Switchboard message (another application on the prefix). */
export function decodeWireMessage(data: Uint8Array): WireMessage {
  const value: unknown = JSON.parse(decoder.decode(data));
  if (!Array.isArray(value) || (value.length !== 4 && value.length !== 5)) throw new TypeError('not a Switchboard broker message');
  const [origin, seq, channel, pairs, publishedAt] = value as unknown[];
  if (typeof origin !== 'string' || typeof seq !== 'number' || typeof channel !== 'string' || !Array.isArray(pairs)) {
    throw new TypeError('not a Switchboard broker message');
  }
  const events: BrokerEvent[] = pairs.map((pair: unknown) => {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new TypeError('not a Switchboard broker event');
    }
    return { id: pair[0], payload: pair[1] };
  });
  return { origin, seq, message: typeof publishedAt === 'number' ? { channel, events, publishedAt } : { channel, events } };
}

const decoder = new TextDecoder();

import { ProtocolError, type ErrorType } from './errors.js';
import { isValidId } from './ids.js';
import { exceedsJsonDepth } from './json-depth.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { AuthHeaders, ClientMessage, ErrorReplyType, SubscribeMessage } from './messages.js';

/**
 * A client message that cannot be decoded. Knows which frame answers it (`subscribe_error` for a
 * bad subscribe, `error` when the type itself is unknown) and echoes the message id when the
 * message had a usable one, so clients that match replies by id (Amplify) see it.
 */
export class DecodeError extends ProtocolError {
  readonly replyType: ErrorReplyType;
  readonly id: string | undefined;

  constructor(errorType: ErrorType, message: string, replyType: ErrorReplyType, id: string | undefined) {
    super(errorType, message);
    this.replyType = replyType;
    this.id = id;
  }
}

/**
 * The error frame that answers each operation. A `Map`, not an object literal: a client's `type`
 * such as `constructor` or `__proto__` must not find an inherited property.
 */
const REPLY_TYPE: ReadonlyMap<string, ErrorReplyType> = new Map([
  ['subscribe', 'subscribe_error'],
  ['unsubscribe', 'unsubscribe_error'],
  ['publish', 'publish_error'],
]);

/**
 * Decodes one text frame into a client message, checking the envelope only: JSON object, known
 * `type`, valid `id`, `channel` a string, `events` an array of strings, `authorization` an object
 * of strings. Channel syntax and event contents are checked later, by the operation, so HTTP and
 * WebSocket share one set of rules.
 *
 * A frame nested deeper than `maxDepth` is refused before it is parsed.
 *
 * @throws DecodeError
 */
export function decodeClientMessage(text: string, maxDepth: number = DEFAULT_LIMITS.jsonDepth): ClientMessage {
  if (exceedsJsonDepth(text, maxDepth)) {
    throw new DecodeError('BadRequestException', `Message is nested deeper than ${maxDepth} levels`, 'error', undefined);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DecodeError('BadRequestException', 'Message is not valid JSON', 'error', undefined);
  }
  if (!isRecord(value)) {
    throw new DecodeError('BadRequestException', 'Message must be a JSON object', 'error', undefined);
  }
  const type = value['type'];
  const rawId = value['id'];
  const echoId = typeof rawId === 'string' && rawId.length <= 128 ? rawId : undefined;
  if (typeof type !== 'string') {
    throw new DecodeError('BadRequestException', 'Message has no string "type"', 'error', echoId);
  }
  if (type === 'connection_init' || type === 'ka') return { type };
  const replyType = REPLY_TYPE.get(type);
  if (replyType === undefined) {
    throw new DecodeError('UnsupportedOperation', `Operation "${type.slice(0, 40)}" is not supported`, 'error', echoId);
  }
  const fail = (message: string): never => {
    throw new DecodeError('BadRequestException', message, replyType, echoId);
  };
  if (!isValidId(rawId)) {
    // Without a usable id the client cannot match a typed reply; answer with a generic error.
    throw new DecodeError('BadRequestException', 'Message "id" must be 1-128 of A-Z a-z 0-9 _ + -', 'error', echoId);
  }
  const id = rawId;
  if (type === 'unsubscribe') return { type, id };

  const channel = value['channel'];
  if (typeof channel !== 'string') fail('Message "channel" must be a string');
  const authorization = decodeAuthorization(value['authorization'], fail);
  if (type === 'subscribe') {
    const message: SubscribeMessage = authorization ? { type, id, channel: channel as string, authorization } : { type, id, channel: channel as string };
    // History extension: kept as sent; the server decides whether it is a position it gave.
    if (value['since'] !== undefined && value['since'] !== null) message.since = value['since'];
    return message;
  }
  const events = value['events'];
  if (!Array.isArray(events) || !events.every((e) => typeof e === 'string')) {
    fail('Message "events" must be an array of JSON-encoded strings');
  }
  const message = { type: 'publish' as const, id, channel: channel as string, events: events as string[] };
  return authorization ? { ...message, authorization } : message;
}

function decodeAuthorization(value: unknown, fail: (message: string) => never): AuthHeaders | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) fail('Message "authorization" must be an object of header names to strings');
  const headers = value as Record<string, unknown>;
  for (const key in headers) {
    if (typeof headers[key] !== 'string') fail(`Authorization header "${key.slice(0, 40)}" must be a string`);
  }
  return headers as AuthHeaders;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

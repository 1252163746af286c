import { ProtocolError } from './errors.js';

/** Maximum number of segments in a channel path, namespace included (AppSync: 5, not adjustable). */
export const MAX_CHANNEL_SEGMENTS = 5;

/** One segment: 1-50 of `[A-Za-z0-9-]`, not starting or ending with `-` (AppSync's channel regex). */
const SEGMENT = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/;

/** A parsed, normalized channel path. */
export interface Channel {
  /** Normalized path: a leading `/`, no trailing `/`, e.g. `/default/room/1` or `/default/*`. */
  readonly path: string;
  /** Segments without slashes, namespace first: `['default', 'room', '1']`. */
  readonly segments: readonly string[];
  /** The first segment. */
  readonly namespace: string;
  /** True when the last segment is `*` (subscriptions only, decision D8). */
  readonly wildcard: boolean;
}

export function isValidSegment(segment: string): boolean {
  return SEGMENT.test(segment);
}

/** A namespace name follows the segment rule. */
export const isValidNamespaceName = isValidSegment;

/**
 * Parses a channel as a client sends it: the leading and trailing `/` are optional.
 * A trailing `*` segment is accepted only when `allowWildcard` is set; `/*` alone and a `*`
 * anywhere else are rejected (D8).
 *
 * @throws ProtocolError `BadRequestException` naming what is wrong.
 * @example parseChannel('default/room', { allowWildcard: false }).path === '/default/room'
 */
export function parseChannel(raw: unknown, options: { allowWildcard: boolean }): Channel {
  if (typeof raw !== 'string' || raw.length === 0) {
    throw new ProtocolError('BadRequestException', 'Invalid Channel Format: channel must be a non-empty string');
  }
  if (raw.length > 300) {
    throw new ProtocolError('BadRequestException', 'Invalid Channel Format: channel is too long');
  }
  const start = raw.startsWith('/') ? 1 : 0;
  const end = raw.endsWith('/') && raw.length > 1 ? raw.length - 1 : raw.length;
  const segments = raw.slice(start, end).split('/');
  if (segments.length > MAX_CHANNEL_SEGMENTS) {
    throw new ProtocolError(
      'BadRequestException',
      `Invalid Channel Format: ${segments.length} segments, at most ${MAX_CHANNEL_SEGMENTS} are allowed`,
    );
  }
  const last = segments.length - 1;
  const wildcard = segments[last] === '*';
  if (wildcard && !options.allowWildcard) {
    throw new ProtocolError('BadRequestException', 'Invalid Channel Format: cannot publish to a wildcard channel');
  }
  if (wildcard && last === 0) {
    throw new ProtocolError('BadRequestException', 'Invalid Channel Format: a wildcard needs a namespace, as in /namespace/*');
  }
  for (let i = 0; i < segments.length; i++) {
    if (wildcard && i === last) continue;
    const segment = segments[i] as string;
    if (!SEGMENT.test(segment)) {
      const why = segment.includes('*')
        ? 'a wildcard is allowed only as the whole last segment'
        : 'each segment is 1-50 of A-Z a-z 0-9 -, not starting or ending with -';
      throw new ProtocolError('BadRequestException', `Invalid Channel Format: segment ${i + 1} ("${truncate(segment)}"): ${why}`);
    }
  }
  return { path: '/' + segments.join('/'), segments, namespace: segments[0] as string, wildcard };
}

function truncate(text: string): string {
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}
